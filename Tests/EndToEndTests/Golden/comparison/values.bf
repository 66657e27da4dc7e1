"a" < "b"  # expect: True
"abc" == "abc"  # expect: True
"B" < "a"  # expect: True
"a" == 1  # expect: False
"1" != 1  # expect: True
[1, 2] == [1, 2]  # expect: True
[1, 2] == [2, 1]  # expect: False
[1] == [1.0]  # expect: True
None == None  # expect: True
None == False  # expect: False
{"a": 1} == {"a": 1}  # expect: True
{"a": 1} == {"a": 2}  # expect: False
True == true  # expect: True
