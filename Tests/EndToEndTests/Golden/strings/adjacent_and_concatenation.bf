"abc" 'def'  # expect: 'abcdef'
name = ("census"
        "-income"
        r"\demo")
name  # expect: 'census-income\\demo'
"a" "b" + "c"  # expect: 'abc'
"pod" + "-" + "1"  # expect: 'pod-1'
greeting = "hello"
greeting + ", " + "world"  # expect: 'hello, world'
