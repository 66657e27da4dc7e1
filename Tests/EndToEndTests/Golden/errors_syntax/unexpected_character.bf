x = 5 $ 2  # error: 1:7: unexpected character '$'
y = 1 ? 2  # error: 2:7: unexpected character '?'
# exit: 65
