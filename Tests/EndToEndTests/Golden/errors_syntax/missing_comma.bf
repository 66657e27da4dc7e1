xs = [1 2]  # error: 1:9: expected ',' or ']', found a number
# help: separate items with ','
print("a" "b" x)  # error: 3:15: expected ',' or ')', found a name
# help: separate items with ','
# exit: 65
