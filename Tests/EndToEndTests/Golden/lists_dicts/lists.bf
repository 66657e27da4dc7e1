xs = [10, 20, 30,]
xs  # expect: [10, 20, 30]
len(xs)  # expect: 3
xs[0] = 5
xs[-1] = 99
xs  # expect: [5, 20, 99]
names = [
    "census-income-demo",
    'census-income-yaml-demo',
]
names  # expect: ['census-income-demo', 'census-income-yaml-demo']
