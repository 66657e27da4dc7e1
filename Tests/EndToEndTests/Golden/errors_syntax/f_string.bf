x = 1
print(f"x = {x}")  # error: 2:7: 'f' strings are not supported
# help: write a plain string; only r"…" (raw) is accepted as a prefix
# exit: 65
