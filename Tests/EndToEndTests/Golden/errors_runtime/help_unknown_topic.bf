help("prin")  # error: 1:1: no help on 'prin'
# help: did you mean 'print'?
# exit: 70
