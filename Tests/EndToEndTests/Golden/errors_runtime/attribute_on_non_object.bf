epochs = 5
epochs.name  # error: 2:8: int value has no attribute 'name'
# exit: 70
