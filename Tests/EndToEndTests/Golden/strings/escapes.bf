print("line1\nline2")
# expect: line1
# expect: line2
print('\'')  # expect: '
print("\"")  # expect: "
print("back\\slash")  # expect: back\slash
print("\x41\u00e9\U0001F600")  # expect: Aé😀
print("joined \
here")  # expect: joined here
