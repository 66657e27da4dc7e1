# print shows strings as they are and every other value as its repr.
print(1, "a", 2.5, None, True, [1, "b"], {"k": "v"})  # expect: 1 a 2.5 None True [1, 'b'] {'k': 'v'}
print()  # expect:
print("it's")  # expect: it's
print(["it's"])  # expect: ["it's"]
