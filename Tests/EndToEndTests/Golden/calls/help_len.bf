help(len)
# expect: len(value)
# expect:   the number of elements of a list, dictionary or string
# expect:
# expect: Parameters:
# expect:   value (any value): a string, list, dictionary, or an object with a size
