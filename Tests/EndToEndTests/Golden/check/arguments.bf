# check
# Calls of known built-ins are checked against their parameters without running.
len([1], [2])  # error: 3:10: 'len' takes 1 positional argument but 2 were given
# help: signature: len(value)
print(1, sepp=",")  # error: 5:10: 'print' has no parameter 'sepp'
# help: did you mean 'sep'?
print(1, sep=2)  # error: 7:10: argument 'sep' of 'print' must be a string, not int (2)
len()  # error: 8:1: 'len' is missing its required argument 'value'
# help: signature: len(value)
# exit: 65
