# In a script an expression statement shows its value, as at the prompt; assignments and
# values of None show nothing.
x = 41
x + 1  # expect: 42
"text"  # expect: 'text'
print("printed")  # expect: printed
x = x + 1
x  # expect: 42
None
[x, x]  # expect: [42, 42]
