Path(path=len)  # error: 1:6: argument 'path' of 'Path' must be a string or Path, not built-in (<built-in len>)
# help: call it: len(…)
# exit: 70
