# Every statement with a syntax error is reported, one error each, and nothing runs.
print("never printed")
a = 1 +
b = [1, 2
c = "open
print(a b)
d = {1: 2}
e = 3
f = 1.2.3; g = (1, 2)
# error: 3:8: expected an expression, found end of line
# error: 5:1: expected ']' to close '[' at 4:5
# error: 5:5: unterminated string
# help: close the string with the quote it opened with; use """…""" for text over several lines
# error: 6:9: expected ',' or ')', found a name
# help: separate items with ','
# error: 7:6: dictionary keys must be strings
# error: 9:5: malformed number '1.2.3'
# error: 9:16: tuples are not supported
# help: use a list: [a, b]
# exit: 65
