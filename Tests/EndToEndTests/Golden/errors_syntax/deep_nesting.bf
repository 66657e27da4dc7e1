# The parser stops at 100 levels of nesting. 99 brackets (100 levels with the statement's
# own expression) are fine, so line 3 has no error; 100 brackets or 100 signs are too deep.
ok = (((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))
deep = ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))
# error: 4:108: expression nested too deeply (more than 100 levels)
# help: split the expression into several assignments
negative = -----------------------------------------------------------------------------------------------------1
# error: 7:112: expression nested too deeply (more than 100 levels)
# help: split the expression into several assignments
# exit: 65
