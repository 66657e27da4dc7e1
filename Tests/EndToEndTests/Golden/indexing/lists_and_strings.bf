xs = [10, 20, 30]
xs[0]  # expect: 10
xs[-1]  # expect: 30
xs[-3]  # expect: 10
xs[1 + 1]  # expect: 30
"pods"[0]  # expect: 'p'
"pods"[-1]  # expect: 's'
[[1, 2], [3]][0][1]  # expect: 2
