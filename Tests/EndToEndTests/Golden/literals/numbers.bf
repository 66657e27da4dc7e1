# Integer and float literals, shown as Python shows them.
1  # expect: 1
0.001  # expect: 0.001
1e-3  # expect: 0.001
2.5e3  # expect: 2500.0
1E2  # expect: 100.0
1_000_000  # expect: 1000000
1_0.0_1  # expect: 10.01
10.0  # expect: 10.0
1.  # expect: 1.0
9223372036854775807  # expect: 9223372036854775807
-42  # expect: -42
