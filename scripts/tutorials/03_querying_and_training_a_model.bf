# Tutorial 3: querying a pod, and training a model on one pod.
# A modeller learns about a pod's data in two ways without seeing a row: by a SQL query
# whose answer is aggregates only, and by training a model at the pod.
#   bf run scripts/tutorials/03_querying_and_training_a_model.bf     (all of it at once)
#   bf tutorial 3                                                     (step by step)

## Step: Ask a question in SQL
# The query runs inside the pod, on its own copy of the data; only the aggregates come
# back. The pod refuses any answer with a group smaller than its minimum group size, so
# no one can single out a person with a narrow GROUP BY.
pod_identifier = "census-income-demo"
query = SqlQuery("SELECT occupation, AVG(age) FROM df GROUP BY occupation")
query.execute(pod_identifiers=[pod_identifier])

## Step: Describe the model
# The classifier's inputs follow the pod's schema: categorical columns are embedded,
# continuous ones scaled. 'TARGET' is the column to predict. One epoch keeps this short.
schema = get_pod_schema(pod_identifier)
model = PyTorchTabularClassifier(
    datastructure=DataStructure(target="TARGET", table=pod_identifier),
    schema=schema,
    epochs=1,
    batch_size=64,
    optimizer=Optimizer(name="SGD", params={"lr": 0.001}),
)

## Step: Train it at the pod
# The pod accepts the task (your role allows training), trains on its training split, and
# sends back the parameters and the validation metrics, never the data.
results = model.fit(pod_identifiers=[pod_identifier])

## Step: Save the model
# The trained parameters go to a file in the current directory (safetensors, whatever the
# extension says), ready for predictions later.
model.serialize(Path("part_3_model.pt"))
