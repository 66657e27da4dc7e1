x = 2
if x > 1:  # error: 2:1: 'if' is Python, not bf
# help: bf has no conditionals; a script runs its statements in order
    print("big")
else:  # error: 5:1: 'else' is Python, not bf
# help: bf has no conditionals; a script runs its statements in order
    print("small")
# exit: 65
