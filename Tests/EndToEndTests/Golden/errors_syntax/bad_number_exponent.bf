x = 1e  # error: 1:5: malformed number '1e'
y = 2e+  # error: 2:5: malformed number '2e+'
# exit: 65
