version = 1.2.3  # error: 1:11: malformed number '1.2.3'
# exit: 65
