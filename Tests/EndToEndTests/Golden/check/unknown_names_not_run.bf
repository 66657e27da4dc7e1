# check
# 'bf check' finds unknown names with their spans and runs nothing: no print output.
print("should not be printed")
total_rows = 1
print(totl_rows)  # error: 5:7: unknown name 'totl_rows'
# help: did you mean 'total_rows'?
prin(total_rows)  # error: 7:1: unknown name 'prin'
# help: did you mean 'print'?
# exit: 65
