name = "census
label = 'income
print(name)
# error: 1:8: unterminated string
# help: close the string with the quote it opened with; use """…""" for text over several lines
# error: 2:9: unterminated string
# help: close the string with the quote it opened with; use """…""" for text over several lines
# exit: 65
