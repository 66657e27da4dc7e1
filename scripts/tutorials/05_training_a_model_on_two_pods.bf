# Tutorial 5: training a model on two pods, with secure aggregation.
# Runs on bf's demo federation (created on first use in $BF_HOME, else ~/.bf).
#   bf run scripts/tutorials/05_training_a_model_on_two_pods.bf

# Step 1: confirm your permissions. Each pod answers for itself; for secure aggregation
# each must also have approved the other.
check_access(["census-income-demo", "census-income-yaml-demo"], task="train", aggregator="secure")

# Step 2 and 3: the tutorial's Python cell, as it is. The data structure is verified
# against both pods' schemas; the schemas must agree on headers and categories.
import logging
from bitfount import (
    DataStructure,
    Optimizer,
    PyTorchTabularClassifier,
    SecureAggregator,
    combine_pod_schemas,
)

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
    epochs=2,
    batch_size=64,
    optimizer=Optimizer(name="SGD", params={"lr": 0.001}),
)
results = model.fit(
    pod_identifiers=[first_pod_identifier, second_pod_identifier],
    aggregator=SecureAggregator(),
)
model.serialize(Path("part_5_model.pt"))

# One row of validation metrics per round.
results
