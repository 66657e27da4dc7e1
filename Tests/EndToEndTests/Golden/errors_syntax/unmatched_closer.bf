x = 1)  # error: 1:6: unmatched ')'
# exit: 65
