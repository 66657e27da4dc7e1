a, b = 1, 2  # error: 1:2: tuples and unpacking are not supported
# help: assign one name at a time, or use a list: [a, b]
# exit: 65
