xs = [1, 2, 3]
xs[3]  # error: 2:4: index 3 is out of range for 3 elements
# exit: 70
