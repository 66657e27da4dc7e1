pod_names = ["census-income-demo", "census-income-yaml-demo"]
for pod in pod_names:  # error: 2:1: 'for' is Python, not bf
    print(pod)
# help: bf has no loops; built-ins work on whole lists of pods
# exit: 65
