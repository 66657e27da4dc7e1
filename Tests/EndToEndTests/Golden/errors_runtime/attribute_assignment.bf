p = Path("a.csv")
p.name = "b.csv"  # error: 2:1: attributes cannot be assigned; 'name' is read-only
# help: build a new object with the values you want instead
# exit: 70
