x = 5 % 2  # error: 1:7: operator '%' is not supported
# help: bf has + - * / and the comparisons == != < <= > >=
y = 2 ** 3  # error: 3:7: operator '**' is not supported
z = 7 // 2  # error: 4:7: operator '//' is not supported
# exit: 65
