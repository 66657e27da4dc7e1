# check
# A correct script checks clean: no output, exit 0, and it is not run.
import logging
rate = 0.001
params = {"lr": rate}
print(params["lr"], len([1, 2]), sep=", ")
Path("model.pt").suffix
