print("bf")
