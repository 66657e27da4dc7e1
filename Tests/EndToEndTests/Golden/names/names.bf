café = 1
café  # expect: 1
_x = 2
x1 = 3
_x + x1  # expect: 5
Value = 1
value = 2
Value  # expect: 1
value  # expect: 2
__ = 5
__  # expect: 5
snake_case_name_2 = "ok"
snake_case_name_2  # expect: 'ok'
