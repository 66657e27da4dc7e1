# check
x = (1  # error: 2:5: '(' was never closed
# exit: 65
