len(5)  # error: 1:5: int value has no length
# exit: 70
