print(sep="-", 1)  # error: 1:16: positional argument after keyword argument
# help: put positional arguments before keyword arguments
# exit: 65
