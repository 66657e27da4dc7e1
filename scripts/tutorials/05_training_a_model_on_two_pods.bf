# Tutorial 5: training a model on two pods, with secure aggregation.
# The workflow has three steps, and each pod decides for itself at every one of them:
# confirm your permissions on every pod, check that the pods' data structures agree, and
# run the task. Along the way, two pods of the demo show what goes wrong when a pod's
# categories disagree and when a pod has not approved its partners.
# Runs on bf's demo federation (created on first use in $BF_HOME, else ~/.bf).
#   bf run scripts/tutorials/05_training_a_model_on_two_pods.bf     (all of it at once)
#   bf tutorial 5                                                    (step by step)

## Step: Permissions: ask both pods
# Workflow step 1. Each pod checks your role against the task (training), and, because the
# task uses secure aggregation, that it has approved every other pod of the task. Both pods
# accept, and each approves the other.
check_access(["census-income-demo", "census-income-yaml-demo"], task="train", aggregator="secure")

## Step: Data structures: the tutorial's names
# Workflow step 2 starts from the tutorial's Python cell, as it is. The import lines are
# accepted and do nothing: bf's built-ins are always there.
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

## Step (fails on purpose): Data structures: a pod whose categories disagree
# Before the two tutorial pods, a pod that does not fit. 'census-income-other' codes
# 'gender' with a third value, 'Unspecified', so a model trained across it and another pod
# would read that column differently at each. Combining their schemas refuses, naming the
# column, each pod's values and the difference; nothing else happens.
#> combine_pod_schemas([first_pod_identifier, "census-income-other"])

## Step: Data structures: the task's columns
# The data structure names the column to predict and, for each pod, the table to read.
datastructure = DataStructure(
    target="TARGET",
    table={
        "census-income-demo": "census-income-demo",
        "census-income-yaml-demo": "census-income-yaml-demo",
    },
)

## Step: Data structures: verify and combine the schemas
# Each pod sends its schema, never its rows. Every column the task uses must have the same
# header in both pods, and a categorical column the same set of values. These two agree,
# so their schemas combine into one, with the counts of both pods.
schema = combine_pod_schemas([first_pod_identifier, second_pod_identifier])
schema

## Step: Run: the classifier
# Workflow step 3. A tabular classifier shaped by the combined schema, trained for two
# rounds with SGD. It is not trained yet.
model = PyTorchTabularClassifier(
    datastructure=datastructure,
    schema=schema,
    epochs=2,
    batch_size=64,
    optimizer=Optimizer(name="SGD", params={"lr": 0.001}),
)

## Step (fails on purpose): Run: secure aggregation with a pod that approves no one
# 'census-income-unapproved' has approved no other pod. With secure aggregation each pod
# must trust every other pod of the task, so both pods refuse and say why; nothing runs
# and the model stays untrained. check_access, as in the first step, shows the same
# before you ask.
#> model.fit(
#>     pod_identifiers=[first_pod_identifier, "census-income-unapproved"],
#>     aggregator=SecureAggregator(),
#> )

## Step: Run: train on both pods
# Both pods accept. In every round each trains on its own rows and sends its update masked,
# so that only the sum of the two updates can be read; the new model is their average,
# weighted by training rows. Then each pod reports validation and test metrics.
results = model.fit(
    pod_identifiers=[first_pod_identifier, second_pod_identifier],
    aggregator=SecureAggregator(),
)

## Step: Run: save the model
# The trained parameters, written to a file in the current directory.
model.serialize(Path("part_5_model.pt"))

## Step: The metrics, round by round
# One row of validation metrics per round, with a sparkline of each metric's course.
results
