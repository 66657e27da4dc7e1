# Keys may be any expression whose value is a string, as in the Python cells of the tutorials.
first = "census-income-demo"
second = "census-income-yaml-demo"
table = {first: first, second: "yaml", first + "-copy": 1}
table  # expect: {'census-income-demo': 'census-income-demo', 'census-income-yaml-demo': 'yaml', 'census-income-demo-copy': 1}
# A key computed twice keeps its first place and takes the last value, as in Python.
{first: 1, second: 2, first: 3}  # expect: {'census-income-demo': 3, 'census-income-yaml-demo': 2}
