rows = 0
share = 1 / rows  # error: 2:9: division by zero
# exit: 70
