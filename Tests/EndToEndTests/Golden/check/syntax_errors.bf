# check
# Syntax errors are reported by 'bf check' too, with name errors in source order.
print("not run")
rate = (0.1, 0.2)  # error: 4:8: tuples are not supported
# help: use a list: [a, b]
print(rat)  # error: 6:7: unknown name 'rat'
# exit: 65
