# Tutorial 1: running a pod, made from code.
# A pod owns a dataset and decides who may use it; no raw row ever leaves it. This tutorial
# makes the demo's first pod from code, starts it, and looks at it as a modeller would.
#   bf run scripts/tutorials/01_running_a_pod.bf     (all of it at once)
#   bf tutorial 1                                     (step by step)

## Step: Describe the pod
# A pod needs a name, a data source and a data configuration. This one reads the demo's
# census CSV, never reads the 'fnlwgt' column, treats nine columns as categorical and
# splits its rows 80/10/10 (training, validation, test) with seed 100. It also names
# 'census-income-yaml-demo' as a pod it trusts as a partner in secure aggregation.
# Nothing is registered yet: this only describes the pod.
pod = Pod(
    name="census-income-demo",
    datasource=CSVSource(demo_file("census-income-demo.csv")),
    pod_details_config=PodDetailsConfig(
        display_name="Census income demo",
        description="Synthetic census income data (the Adult data set's columns and categories).",
    ),
    data_config=PodDataConfig(
        ignore_cols=["fnlwgt"],
        force_stypes={
            "census-income-demo": {
                "categorical": [
                    "TARGET", "workclass", "marital-status", "occupation", "relationship",
                    "race", "native-country", "gender", "education",
                ],
            },
        },
        datasource_args={"seed": 100},
    ),
    approved_pods=["census-income-yaml-demo"],
)

## Step: Start it
# Starting the pod reads its data once, works out the schema, and registers it in the hub
# of your bf home under your name. From now on it answers task requests itself.
pod.start()

## Step: See it as others do
# Other users never see the rows, only the schema: each column's type, its categories with
# their counts, and how many rows each split holds.
get_pod_schema("census-income-demo")
