1 + 2.0  # expect: 3.0
2 * 0.5  # expect: 1.0
3 - 0.5  # expect: 2.5
1e3 + 1  # expect: 1001.0
0.5 + 0.5  # expect: 1.0
-0.5  # expect: -0.5
type(1 + 1)  # expect: 'int'
type(1 + 1.0)  # expect: 'float'
type(4 / 2)  # expect: 'float'
