# Assignment reaches into nested lists and dictionaries.
d = {"k": [1, 2, 3], "m": {"x": 0}}
d["k"][0] = 5
d["m"]["y"] = True
d  # expect: {'k': [5, 2, 3], 'm': {'x': 0, 'y': True}}
