model_path = Path(5)  # error: 1:19: argument 'path' of 'Path' must be a string or Path, not int (5)
# exit: 70
