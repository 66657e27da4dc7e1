len("abc")  # expect: 3
len("")  # expect: 0
len([])  # expect: 0
len([1, [2, 3]])  # expect: 2
len({"a": 1})  # expect: 1
type(1)  # expect: 'int'
type(1.5)  # expect: 'float'
type("s")  # expect: 'str'
type([])  # expect: 'list'
type({})  # expect: 'dict'
type(None)  # expect: 'None'
type(True)  # expect: 'bool'
type(print)  # expect: 'built-in'
type(Path("a"))  # expect: 'Path'
print(type(1))  # expect: int
