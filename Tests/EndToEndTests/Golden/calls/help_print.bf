help(print)
# expect: print(*values, sep=' ', end='\n')
# expect:   print values, separated by spaces
# expect:
# expect: Parameters:
# expect:   values (any value): the values to print
# expect:   sep (a string, default ' ', by name): put between values
# expect:   end (a string, default '\n', by name): put after the last value
# expect:
# expect: Strings print as they are; other values as they would show at the prompt.
