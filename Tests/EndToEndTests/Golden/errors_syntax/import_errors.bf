from bitfount import
import logging as
from bitfount import (DataStructure
print(1)
# error: 1:21: expected a name, found end of line
# error: 2:18: expected a name, found end of line
# error: 4:1: expected ')' to close '(' at 3:22
# exit: 65
