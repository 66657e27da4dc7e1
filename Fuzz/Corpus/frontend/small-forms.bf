import bitfount
from bitfount import DataStructure, Optimizer
x = -(1 + 2) * 3 ** 2 // 4 % 5 / 6.5
s = "a" + 'b' + """c
d""" + f"{x}"
l = [1, 2.0, "3", None, True, [x, s]][1:3]
d = {"a": 1, "b": [1, 2]}
d["c"] = not x == 1 and x < 2 or x >= 3 != 4
print(len(l), d.keys(), s.upper(), abs(-1), x if x else 0)
pods "census-income-demo", "census-income-other"
ds = datastructure target="TARGET", ignore_cols=["gender"]
opt = Optimizer(name="Adam", params={"lr": 0.01})
_
