len([1], value=[2])  # error: 1:10: argument 'value' of 'len' given by position and by name
# exit: 70
