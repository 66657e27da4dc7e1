big = 9223372036854775807
big + 1  # error: 2:1: integer overflow in '+'
# help: use floats, e.g. 1e20
# exit: 70
