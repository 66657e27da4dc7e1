print "hello"  # error: 1:7: expected end of statement, found a string
# help: to call 'print', write print(…); separate statements with a new line or ';'
# exit: 65
