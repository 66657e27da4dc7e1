# Floats print as the shortest text that reads back the same (Python's repr).
0.1 + 0.2  # expect: 0.30000000000000004
2 / 3  # expect: 0.6666666666666666
1e15  # expect: 1000000000000000.0
1e16  # expect: 1e+16
1e22  # expect: 1e+22
1.5e300  # expect: 1.5e+300
0.0001  # expect: 0.0001
1e-5  # expect: 1e-05
-1e-7  # expect: -1e-07
123456789.0  # expect: 123456789.0
12345678901234567.0  # expect: 1.2345678901234568e+16
