print(1, 2, 3, sep=", ")  # expect: 1, 2, 3
print("a", end="")
print("b")  # expect: ab
print("x", "y", sep="")  # expect: xy
print("a", "b", end="!\n", sep="-")  # expect: a-b!
print("one", "two", sep="\n")
# expect: one
# expect: two
print("first", end=" ")
print("second")  # expect: first second
