print("a", "b", sep="-")  # expect: a-b
print("a", "b", end="!\n", sep="-")  # expect: a-b!
len(value=[1, 2])  # expect: 2
Path(path="train.csv").suffix  # expect: '.csv'
type(value="s")  # expect: 'str'
print(
    "multi",
    "line",
    sep="_",
)  # expect: multi_line
