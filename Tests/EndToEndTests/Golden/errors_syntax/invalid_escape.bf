path = "C:\data"
# error: 1:8: invalid escape '\d' in string
# exit: 65
