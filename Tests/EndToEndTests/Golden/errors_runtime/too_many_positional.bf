len([1], [2])  # error: 1:10: 'len' takes 1 positional argument but 2 were given
# help: signature: len(value)
# exit: 70
