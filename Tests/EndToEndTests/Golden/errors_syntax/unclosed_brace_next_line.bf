params = {"lr": 0.001,
          "momentum": 0.9
rate = 1  # error: 3:1: expected '}' to close '{' at 1:10
# exit: 65
