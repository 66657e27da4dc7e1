names = {1: "one"}  # error: 1:10: dictionary keys must be strings
# exit: 65
