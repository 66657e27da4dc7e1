print(1, sep="-", sep="+")  # error: 1:19: keyword argument 'sep' given twice
# exit: 65
