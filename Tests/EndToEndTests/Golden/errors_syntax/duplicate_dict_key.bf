params = {"lr": 0.1, "momentum": 0.9, "lr": 0.2}  # error: 1:39: dictionary key 'lr' given twice
# exit: 65
