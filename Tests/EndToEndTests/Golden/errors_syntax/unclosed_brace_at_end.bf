params = {"lr": 0.001
# error: 1:10: '{' was never closed
# exit: 65
