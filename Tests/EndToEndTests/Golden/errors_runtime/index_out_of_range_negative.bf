xs = [1]
xs[-2]  # error: 2:4: index -2 is out of range for 1 element
# exit: 70
