xs = [1, 2)  # error: 1:11: ')' does not close '[' at 1:6
params = {"lr": (1]}  # error: 2:19: ']' does not close '(' at 2:17
print(3)
# exit: 65
