text = """first
second "quoted" 'x'
third"""
print(text)
# expect: first
# expect: second "quoted" 'x'
# expect: third
text  # expect: 'first\nsecond "quoted" \'x\'\nthird'
'''a
b'''  # expect: 'a\nb'
len("""x
y""")  # expect: 3
"""ends with a quote\""""  # expect: 'ends with a quote"'
