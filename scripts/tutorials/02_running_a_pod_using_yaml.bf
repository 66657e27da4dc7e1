# Tutorial 2: running a pod from a YAML file.
# The same kind of pod as tutorial 1, described by the fields of a pod YAML file
# (pod_name, datasource, pod_details, data_config, other_pods). From a shell the same is
#   bf pod create "$BF_HOME/demo/census-income-yaml-demo.yaml" --replace
#   bf run scripts/tutorials/02_running_a_pod_using_yaml.bf

pod = load_pod_config(demo_file("census-income-yaml-demo.yaml"))
pod.start()

# Both tutorial pods, and whom each approves.
pods
