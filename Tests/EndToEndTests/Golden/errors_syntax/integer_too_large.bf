rows = 99999999999999999999  # error: 1:8: number '99999999999999999999' is too large
# help: integers are 64-bit; write a float such as 1e20 for larger values
# exit: 65
