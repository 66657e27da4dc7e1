label = "pod-" + 1  # error: 1:9: unsupported operand types for '+': str and int
# exit: 70
