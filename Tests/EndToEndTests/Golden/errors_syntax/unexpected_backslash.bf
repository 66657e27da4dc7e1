x = 1 \ 2  # error: 1:7: unexpected character '\'
# exit: 65
