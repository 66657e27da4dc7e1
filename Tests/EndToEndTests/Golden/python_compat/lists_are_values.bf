# Lists and dictionaries are values in bf: assigning one copies it.
a = [1]
b = a
b[0] = 2
a  # expect: [1]
b  # expect: [2]
