params = {"lr": 0.001, "momentum": 0.9}
params["lrr"]  # error: 2:8: key 'lrr' is not in the dictionary
# help: did you mean 'lr'?
# exit: 70
