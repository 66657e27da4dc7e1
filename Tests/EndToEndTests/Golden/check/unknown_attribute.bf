# check
model_path = Path("part_5_model.pt")
model_path.sufix  # error: 3:12: 'Path' has no attribute 'sufix'
# help: did you mean 'suffix'?
model_path.name
# exit: 65
