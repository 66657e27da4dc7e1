x = 1.5 / 0.0  # error: 1:5: division by zero
# exit: 70
