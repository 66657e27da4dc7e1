# Tutorial 6: differential privacy that the pods enforce.
# Secure aggregation hides each pod's update from you, but a trained model can still
# remember rows. With differential privacy each pod clips every row's gradient and adds
# noise it draws itself, so the model reveals little about any one row, by a bound (ε, δ)
# that the pod's own accountant keeps. The pod's owner sets how much ε a task may spend;
# the pod refuses more and remembers what was spent, across tasks and restarts.
# Runs on bf's demo federation (created on first use in $BF_HOME, else ~/.bf).
#   bf run scripts/tutorials/06_differential_privacy.bf     (all of it at once)
#   bf tutorial 6                                            (step by step)

## Step: The pods' limits
# You own the demo's pods, so you set their limits, as the 'differential_privacy' section
# of a pod's YAML would: at most ε 5 for any one task, with δ at most 1e-5.
set_privacy_limits("census-income-demo", epsilon=5, delta=1e-5)
set_privacy_limits("census-income-yaml-demo", epsilon=5, delta=1e-5)

## Step: Permissions and budgets
# Each pod answers as in tutorial 5, and now also says what your privacy budget allows
# and what you have spent on it so far.
check_access(["census-income-demo", "census-income-yaml-demo"], task="train", aggregator="secure")

## Step: Data structures
# The same columns and combined schema as tutorial 5.
datastructure = DataStructure(
    target="TARGET",
    table={
        "census-income-demo": "census-income-demo",
        "census-income-yaml-demo": "census-income-yaml-demo",
    },
)
schema = combine_pod_schemas(["census-income-demo", "census-income-yaml-demo"])

## Step: Run: a private classifier
# Bitfount's DPModellerConfig asks for the privacy budget: the ε the whole training may
# spend at each pod, its δ, and the norm every row's gradient is clipped to. You do not
# choose the noise: each pod works it out from its own rows, so that all the rounds
# together stay within ε. A smaller network and larger batches suit private training.
model = PyTorchTabularClassifier(
    datastructure=datastructure,
    schema=schema,
    epochs=2,
    batch_size=256,
    hidden_layers=[64],
    optimizer=Optimizer(name="Adam", params={"lr": 0.01}),
    dp_config=DPModellerConfig(epsilon=3, delta=1e-5, max_grad_norm=1.0),
)

## Step (fails on purpose): Run: asking for more than a pod allows
# 'privacy epsilon=8' asks for ε 8 for this training alone (the statement form of
# privacy=DPModellerConfig(epsilon=8)). Both pods allow at most ε 5 a task, so both
# refuse, and say so; nothing is trained and nothing is spent.
#> train model, pod_identifiers=["census-income-demo", "census-income-yaml-demo"], aggregator=SecureAggregator(), privacy epsilon=8

## Step: Run: train privately on both pods
# Each pod trains with DP-SGD: batches drawn at random, every row's gradient clipped to
# norm 1, Gaussian noise from the pod's own random source. After every round each pod says
# how much of its ε the training has spent; after the last, just under 3.
results = model.fit(
    pod_identifiers=["census-income-demo", "census-income-yaml-demo"],
    aggregator=SecureAggregator(),
)

## Step: The spending, remembered
# The pods recorded the spending in their store before each update left them: asking
# again shows it.
check_access(["census-income-demo", "census-income-yaml-demo"], task="train", aggregator="secure")

## Step: The metrics, round by round
# The validation metrics per round, and the most ε any pod had spent by the end of each.
results
