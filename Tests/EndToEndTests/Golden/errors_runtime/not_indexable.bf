epochs = 5
epochs[0]  # error: 2:1: int value cannot be indexed
# exit: 70
