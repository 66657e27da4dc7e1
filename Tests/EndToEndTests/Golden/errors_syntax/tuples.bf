pair = (1, 2)  # error: 1:8: tuples are not supported
# help: use a list: [a, b]
empty = ()  # error: 3:9: tuples are not supported
# help: use a list: [a, b]
# exit: 65
