# A backslash at the end of a line joins it to the next.
long_sum = 1 + \
    2
long_sum  # expect: 3
print("a", \
      "b")  # expect: a b
x = \
3
x  # expect: 3
