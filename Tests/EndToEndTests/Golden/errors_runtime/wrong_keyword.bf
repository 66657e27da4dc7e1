print(1, 2, sepp=", ")  # error: 1:13: 'print' has no parameter 'sepp'
# help: did you mean 'sep'?
# exit: 70
