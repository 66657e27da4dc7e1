while True:  # error: 1:1: 'while' is Python, not bf
# help: bf has no loops; built-ins work on whole lists of pods
class Model:  # error: 3:1: 'class' is Python, not bf
# help: bf scripts call built-ins; they do not define functions or classes
square = lambda v: v  # error: 5:10: 'lambda' is Python, not bf
# help: bf scripts call built-ins; they do not define functions or classes
flag = not True  # error: 7:8: 'not' is Python, not bf
# exit: 65
