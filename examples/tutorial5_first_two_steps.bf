# The first two steps of Bitfount's tutorial 5 on bf's demo federation:
# confirm your permissions on every pod, then verify that their data structures agree.
# (The third step, training, comes with federated training.)

# Every pod you can see, your role on it, and the pods it approves.
pods

# Step 1: permissions. Each pod answers for itself; for secure aggregation every pod
# must have approved every other. The demo's 'census-income-unapproved' has not.
check_access(["census-income-demo", "census-income-yaml-demo"], task="train", aggregator="secure")
check_access(["census-income-demo", "census-income-unapproved"], task="train", aggregator="secure")

# Step 2: data structures. Choose the pods, say what the task uses, and combine their
# schemas: the same headers and the same categorical values in every pod.
pods "census-income-demo", "census-income-yaml-demo"
ds = datastructure target="TARGET"
schema = combine_schemas
schema
