[1, 2,]  # expect: [1, 2]
{"a": 1,}  # expect: {'a': 1}
print(1, 2,)  # expect: 1 2
len([1],)  # expect: 1
print("x", sep="",)  # expect: x
