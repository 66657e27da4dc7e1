# Values behave as Python's do where bf mirrors Python.
{"a": 1, "b": 2} == {"b": 2, "a": 1}  # expect: True
.5 + .25                              # expect: 0.75
-0.0                                  # expect: -0.0
"nul\0"                               # expect: 'nul\x00'
len("e\u0301")                        # expect: 2
"\u00e9" == "e\u0301"                 # expect: False
True == 1                             # expect: True
True + 1                              # expect: 2
print(Path("a/b.pt"))                 # expect: a/b.pt
Path("dir/").name                     # expect: 'dir'
Path("models/").parent                # expect: Path('.')
