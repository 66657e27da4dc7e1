[1] + [2, 3]  # expect: [1, 2, 3]
[] + []  # expect: []
"ab" + "cd"  # expect: 'abcd'
xs = [1, 2]
ys = xs + [3]
xs  # expect: [1, 2]
ys  # expect: [1, 2, 3]
