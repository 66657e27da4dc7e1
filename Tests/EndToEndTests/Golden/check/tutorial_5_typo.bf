# check
# The tutorial's cell with a typo in a keyword argument: 'bf check' finds it through the
# built-in table, with a suggestion, without running anything.
first_pod_identifier = "census-income-demo"
second_pod_identifier = "census-income-yaml-demo"
datastructure = DataStructure(
    target="TARGET",
    table={
        "census-income-demo": "census-income-demo",
        "census-income-yaml-demo": "census-income-yaml-demo",
    },
)
schema = combine_pod_schemas([first_pod_identifier, second_pod_identifier])
model = PyTorchTabularClassifier(
    datastructure=datastructure,
    schema=schema,
    epoch=2,  # error: 17:5: 'PyTorchTabularClassifier' has no parameter 'epoch'
# help: did you mean 'epochs'?
    batch_size=64,
    optimizer=Optimizer(name="SGD", params={"lr": 0.001}),
)
results = model.fit(
    pod_identifiers=[first_pod_identifier, second_pod_identifier],
    aggregator=SecureAggregator(),
)
model.serialize(Path("part_5_model.pt"))
# exit: 65
