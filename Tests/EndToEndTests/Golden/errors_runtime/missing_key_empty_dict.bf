{}["a"]  # error: 1:4: key 'a' is not in the dictionary
# help: the dictionary is empty
# exit: 70
