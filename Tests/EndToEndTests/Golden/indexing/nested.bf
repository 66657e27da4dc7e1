m = {"a": [1, {"b": "deep"}]}
m["a"][1]["b"]  # expect: 'deep'
m["a"][-2]  # expect: 1
results = [{"AUC": 0.75}, {"AUC": 0.5}]
results[1]["AUC"] >= 0.5  # expect: True
results[0]["AUC"] + results[1]["AUC"]  # expect: 1.25
