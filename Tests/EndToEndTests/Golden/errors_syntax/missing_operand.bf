total = 1 +
# error: 1:12: expected an expression, found end of line
# exit: 65
