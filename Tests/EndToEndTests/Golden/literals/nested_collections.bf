[1, [2, 3], {"a": [4, {"b": None}]}]  # expect: [1, [2, 3], {'a': [4, {'b': None}]}]
[]  # expect: []
{}  # expect: {}
[[], {}, [[]]]  # expect: [[], {}, [[]]]
{"lr": 0.001, "names": ["x", 'y'], "ok": True}  # expect: {'lr': 0.001, 'names': ['x', 'y'], 'ok': True}
[1.0, -2, "three", None, False]  # expect: [1.0, -2, 'three', None, False]
