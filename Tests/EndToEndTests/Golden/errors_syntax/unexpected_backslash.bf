x = 1 \ 2  # error: 1:7: unexpected '\' in the middle of a line
# exit: 65
