print("one")  # expect: one
import logging
print("two")  # expect: two
from bitfount import DataStructure
print("three")  # expect: three
# The note comes once, however many import lines there are.
# stderr: note: import lines are accepted and ignored; bf's built-ins are always available
