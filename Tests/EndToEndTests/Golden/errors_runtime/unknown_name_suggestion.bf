# Statements run in order until the first runtime error; nothing after it runs.
print("before")  # expect: before
prnt("x")  # error: 3:1: unknown name 'prnt'
# help: did you mean 'print'?
print("after")
# exit: 70
