xs = [1, 2]
xs["a"]  # error: 2:4: list indices must be integers, not str
# exit: 70
