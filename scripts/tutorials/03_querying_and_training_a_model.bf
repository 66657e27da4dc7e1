# Tutorial 3: querying a pod, and training a model on one pod.
#   bf run scripts/tutorials/03_querying_and_training_a_model.bf
pod_identifier = "census-income-demo"

# A SQL query runs inside the pod; only aggregates come back, and the pod refuses any
# group smaller than its minimum group size.
query = SqlQuery("SELECT occupation, AVG(age) FROM df GROUP BY occupation")
query.execute(pod_identifiers=[pod_identifier])

# Training on one pod: the pod trains, the modeller gets parameters and metrics.
schema = get_pod_schema(pod_identifier)
model = PyTorchTabularClassifier(
    datastructure=DataStructure(target="TARGET", table=pod_identifier),
    schema=schema,
    epochs=1,
    batch_size=64,
    optimizer=Optimizer(name="SGD", params={"lr": 0.001}),
)
results = model.fit(pod_identifiers=[pod_identifier])
model.serialize(Path("part_3_model.pt"))
