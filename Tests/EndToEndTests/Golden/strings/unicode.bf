print("héllo wörld")  # expect: héllo wörld
len("héllo")  # expect: 5
"héllo"[1]  # expect: 'é'
len("😀")  # expect: 1
