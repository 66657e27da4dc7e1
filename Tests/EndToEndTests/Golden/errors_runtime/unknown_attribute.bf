Path("train.csv").suffx  # error: 1:19: 'Path' has no attribute 'suffx'
# help: did you mean 'suffix'?
# exit: 70
