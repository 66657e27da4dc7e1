x = 1__0  # error: 1:5: malformed number '1__0'
y = 10_  # error: 2:5: malformed number '10_'
# exit: 65
