x = -"a"  # error: 1:5: bad operand for unary '-': str
# exit: 70
