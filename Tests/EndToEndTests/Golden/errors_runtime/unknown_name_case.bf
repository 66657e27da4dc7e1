Print("hello")  # error: 1:1: unknown name 'Print'
# help: did you mean 'print'?
# exit: 70
