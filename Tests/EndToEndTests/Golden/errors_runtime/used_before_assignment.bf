print(z)  # error: 1:7: 'z' is used before it is assigned
# help: it is assigned on line 4; move that line up
# exit: 70
z = 1
