# Tutorial 1: running a pod, made from code.
# A pod owns a dataset and decides who may use it. This one reads the demo's census CSV,
# never reads 'fnlwgt', treats nine columns as categorical, splits its rows 80/10/10 with
# seed 100, and accepts 'census-income-yaml-demo' as a partner in secure aggregation.
#   bf run scripts/tutorials/01_running_a_pod.bf

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
pod.start()

# The pod as others will see it: its schema (columns, types, categories, splits).
get_pod_schema("census-income-demo")
