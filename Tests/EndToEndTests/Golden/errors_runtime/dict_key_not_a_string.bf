count = 3
sizes = {count: "three"}  # error: 2:10: dictionary keys must be strings, not int
# help: a dictionary is keyed by strings: a string literal or a variable that holds one
# exit: 70
