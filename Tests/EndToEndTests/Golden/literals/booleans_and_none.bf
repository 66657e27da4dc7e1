True  # expect: True
False  # expect: False
true  # expect: True
false  # expect: False
# A statement whose value is None shows nothing, as at Python's prompt.
None
print(None)  # expect: None
print(true, false)  # expect: True False
