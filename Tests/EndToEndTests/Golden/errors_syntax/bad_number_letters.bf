x = 12abc  # error: 1:5: malformed number '12abc'
# exit: 65
