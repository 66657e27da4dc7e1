# A comment line.

   # An indented comment, then blank lines.


x = 1  # a trailing comment
print(x) # a comment with "quotes" and it's apostrophe  # expect: 1
xs = [
    1,  # first
    # between the elements
    2,
]
xs  # expect: [1, 2]
print("# not a comment")  # expect: # not a comment
    print("indented")  # expect: indented
