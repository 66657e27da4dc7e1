xs = []
xs[0] = 1  # error: 2:4: index 0 is out of range for 0 elements
# exit: 70
