learning_rate = 0.1
print(learning_rat)  # error: 2:7: unknown name 'learning_rat'
# help: did you mean 'learning_rate'?
# exit: 70
