len()  # error: 1:1: 'len' is missing its required argument 'value'
# help: signature: len(value)
# exit: 70
