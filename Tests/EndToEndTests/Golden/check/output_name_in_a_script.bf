# check
# A script shows no outputs, so '_' and '_N' hold nothing.
print(_)  # error: 3:7: there is no output yet for '_' to hold
# help: '_' is the last value shown as Out[N]: run a cell that shows a value first (a script shows none)
print(_2)  # error: 5:7: there is no Out[2] for '_2' to hold
# help: '_2' is the value shown as Out[2]; only cells that show a value have one
# exit: 65
