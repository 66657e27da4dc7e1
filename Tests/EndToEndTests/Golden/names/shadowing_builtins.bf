# A variable may take a built-in's name, as in Python; the variable wins.
len = 3
len + 1  # expect: 4
type("s")  # expect: 'str'
