# No escapes in r-strings: the backslashes stay.
print(r"C:\raw\new")  # expect: C:\raw\new
r"C:\raw\new"  # expect: 'C:\\raw\\new'
R'x\y'  # expect: 'x\\y'
print(r"a\"b")  # expect: a\"b
