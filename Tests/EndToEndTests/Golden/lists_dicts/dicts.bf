params = {"lr": 0.001, "momentum": 0.9,}
params["lr"]  # expect: 0.001
params["epochs"] = 2
params  # expect: {'lr': 0.001, 'momentum': 0.9, 'epochs': 2}
# Changing a key keeps its place.
params["lr"] = 0.01
params  # expect: {'lr': 0.01, 'momentum': 0.9, 'epochs': 2}
len(params)  # expect: 3
table = {
    "census-income-demo": "census-income-demo",
    "census-income-yaml-demo": "census-income-yaml-demo",
}
table["census-income-yaml-demo"]  # expect: 'census-income-yaml-demo'
