rate = 0.1
rate = rate * 2
rate  # expect: 0.2
names = ["a"]
names = names + ["b"]
names  # expect: ['a', 'b']
first = names[0]
first  # expect: 'a'
