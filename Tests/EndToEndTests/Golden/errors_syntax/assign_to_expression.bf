1 = x  # error: 1:1: cannot assign to this expression
# help: assign to a name, such as 'x = …'; write '==' to compare
"a" = 1  # error: 3:1: cannot assign to this expression
# help: assign to a name, such as 'x = …'; write '==' to compare
x + 1 = 2  # error: 5:1: cannot assign to this expression
# help: assign to a name, such as 'x = …'; write '==' to compare
len(x) = 3  # error: 7:1: cannot assign to this expression
# help: assign to a name, such as 'x = …'; write '==' to compare
# exit: 65
