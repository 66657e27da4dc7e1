True = 1  # error: 1:1: cannot assign to 'True': it is a reserved word
# help: choose another name
None = 2  # error: 3:1: cannot assign to 'None': it is a reserved word
# help: choose another name
false = 0  # error: 5:1: cannot assign to 'false': it is a reserved word
# help: choose another name
# exit: 65
