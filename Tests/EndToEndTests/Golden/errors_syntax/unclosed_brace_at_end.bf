params = {"lr": 0.001
# error: 1:10: expected '}' to close '{' at 1:10
# exit: 65
