# A clause of a statement form is a word and its settings; a setting needs '=' and a value.
train model, privacy epsilon
# error: 2:29: expected '=' after 'epsilon', found end of line
# help: a clause is a word and settings: privacy name=value name=value
# exit: 65
