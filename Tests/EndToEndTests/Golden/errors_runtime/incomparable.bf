"a" < 1  # error: 1:1: '<' cannot compare str and int
# exit: 70
