# Python's import lines are accepted and do nothing; bf says so once, on standard error.
import logging
import numpy as np, pandas as pd
from bitfount import (
    DataStructure,
    PyTorchTabularClassifier as Classifier,
)
from .local import *
from a.b import c
import os.path
print("after imports")  # expect: after imports
# stderr: note: import lines are accepted and ignored; bf's built-ins are always available
