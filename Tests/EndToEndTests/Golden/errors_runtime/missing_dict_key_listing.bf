params = {"lr": 0.001, "momentum": 0.9}
params["epochs"]  # error: 2:8: key 'epochs' is not in the dictionary
# help: its keys are 'lr', 'momentum'
# exit: 70
