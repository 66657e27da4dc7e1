# '/' is true division, as in Python 3: the result is always a float.
7 / 2  # expect: 3.5
4 / 2  # expect: 2.0
1 / 3  # expect: 0.3333333333333333
-7 / 2  # expect: -3.5
8 / 2 / 2  # expect: 2.0
2 * 3 / 4  # expect: 1.5
1 / 0.5  # expect: 2.0
