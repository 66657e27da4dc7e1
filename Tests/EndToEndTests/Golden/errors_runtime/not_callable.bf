epochs = 5
epochs(1)  # error: 2:1: int value is not callable
# exit: 70
