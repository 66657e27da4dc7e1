xs = [1, 2
# error: 1:6: expected ']' to close '[' at 1:6
# exit: 65
