x = 1; y = 2; x + y  # expect: 3
;; z = 3;;
z;  # expect: 3
print("a"); print("b")
# expect: a
# expect: b
