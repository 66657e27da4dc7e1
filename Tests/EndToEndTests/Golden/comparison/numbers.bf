1 < 2  # expect: True
2 <= 2  # expect: True
3 > 4  # expect: False
3 >= 4  # expect: False
1 == 1.0  # expect: True
1 != 2  # expect: True
0.5 >= 0.25  # expect: True
1 + 1 == 2  # expect: True
-1 < 0  # expect: True
