print(1, 2, sep=3)  # error: 1:13: argument 'sep' of 'print' must be a string, not int (3)
# exit: 70
