xs = [1] - [1]  # error: 1:6: unsupported operand types for '-': list and list
# exit: 70
