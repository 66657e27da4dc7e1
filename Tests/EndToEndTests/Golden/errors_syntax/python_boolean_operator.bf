y = 1 and 2  # error: 1:7: 'and' is Python, not bf
# help: bf has no boolean operators; compare with == != < <= > >=
# exit: 65
