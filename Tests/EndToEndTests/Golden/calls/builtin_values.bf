# Built-ins are values: they can be shown, passed and named.
print  # expect: <built-in print>
len  # expect: <built-in len>
print(print)  # expect: <built-in print>
size = len
size([1, 2, 3])  # expect: 3
