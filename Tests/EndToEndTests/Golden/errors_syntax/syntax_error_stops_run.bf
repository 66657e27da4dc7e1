# A script with a syntax error anywhere does not run at all: nothing is printed.
print("before")
x = (1, 2)  # error: 3:5: tuples are not supported
# help: use a list: [a, b]
print("after")
# exit: 65
