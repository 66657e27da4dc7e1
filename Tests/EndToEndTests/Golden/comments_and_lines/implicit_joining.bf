# Inside (), [] and {} line breaks do not end the statement.
total = (1 +
         2 +
         3)
total  # expect: 6
xs = [
    1,
    2
]
xs  # expect: [1, 2]
d = {
    "a":
        1,
}
d  # expect: {'a': 1}
print("a",
      "b",
      sep="")  # expect: ab
len(
    [1, 2, 3]
)  # expect: 3
