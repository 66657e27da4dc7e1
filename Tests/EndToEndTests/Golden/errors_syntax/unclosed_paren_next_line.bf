# The error shows at the next line, where the statement visibly went wrong, and parsing
# goes on from there: the two statements after it are fine, so there is one error.
size = len([1]
y = 2  # error: 4:1: expected ')' to close '(' at 3:11
print(y)
# exit: 65
