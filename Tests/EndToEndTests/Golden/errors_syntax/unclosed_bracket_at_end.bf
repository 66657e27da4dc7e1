xs = [1, 2
# error: 1:6: '[' was never closed
# exit: 65
