xs = [1, 2,
      3
print(xs)  # error: 3:1: expected ']' to close '[' at 1:6
# exit: 65
