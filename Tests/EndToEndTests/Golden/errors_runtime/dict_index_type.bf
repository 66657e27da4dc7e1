params = {"lr": 0.1}
params[0]  # error: 2:8: dictionary keys are strings, not int
# exit: 70
