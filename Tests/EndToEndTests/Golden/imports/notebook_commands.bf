# Jupyter's shell commands and magics, on lines of their own, are accepted and not run, so
# notebook cells such as Bitfount's '!pip install bitfount' paste as they are.
!pip install bitfount
%matplotlib inline
  !echo 'a quote left open
print(1 != 2)  # expect: True
x = [1,
     2]
print(x)  # expect: [1, 2]
# The note comes once, however many such lines there are.
# stderr: note: lines starting with '!' or '%' are Jupyter commands; bf does not run them (bf needs nothing installed, and shows charts itself)
