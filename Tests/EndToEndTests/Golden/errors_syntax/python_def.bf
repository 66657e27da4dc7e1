def fit(model):  # error: 1:1: 'def' is Python, not bf
# help: bf scripts call built-ins; they do not define functions or classes
    return model  # error: 3:5: 'return' is Python, not bf
# help: bf accepts assignments, calls, statements such as 'pods' and 'train', and import lines
# exit: 65
