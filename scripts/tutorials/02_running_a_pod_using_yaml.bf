# Tutorial 2: running a pod from a YAML file.
# The same kind of pod as tutorial 1, this time described by a pod YAML file with the
# fields pod_name, datasource, pod_details, data_config and other_pods.
#   bf run scripts/tutorials/02_running_a_pod_using_yaml.bf     (all of it at once)
#   bf tutorial 2                                                (step by step)
# From a shell, 'bf pod create "$BF_HOME/demo/census-income-yaml-demo.yaml" --replace'
# does the same as the first two steps.

## Step: Read the pod's YAML file
# The demo federation keeps this file in your bf home. Its 'other_pods' list says which
# pods it trusts for secure aggregation: here, tutorial 1's 'census-income-demo'.
pod = load_pod_config(demo_file("census-income-yaml-demo.yaml"))

## Step: Start it
# As in tutorial 1: the pod reads its data, works out its schema and registers itself.
pod.start()

## Step: The pods you can see
# Both tutorial pods, with their rows, your role on each, and whom each approves.
pods
