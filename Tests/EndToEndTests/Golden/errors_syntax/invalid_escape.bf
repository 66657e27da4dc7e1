path = "C:\data"
# error: 1:11: invalid escape '\d' in string
# exit: 65
