# A REPL meta-command pasted into a script is named as such, not "expected an expression".
print("not run")
:help
# error: 3:1: ':help' is a meta-command: it works at the REPL prompt, not in a script
# help: in a script, help() and help(name) show the same help; start 'bf' on a terminal for the REPL
# exit: 65
