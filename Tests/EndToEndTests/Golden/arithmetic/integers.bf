1 + 2 * 3  # expect: 7
(1 + 2) * 3  # expect: 9
10 - 4 - 3  # expect: 3
-2 * 3  # expect: -6
2 - -3  # expect: 5
-(-3)  # expect: 3
+4  # expect: 4
2 * 3 * 4  # expect: 24
