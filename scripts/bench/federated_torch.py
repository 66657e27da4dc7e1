#!/usr/bin/env python3
"""The PyTorch side of scripts/bench/federated: tutorial 5's federated job in eager PyTorch, in
one process, on the rows bf's two demo pods encoded (written by `bf-bench-federated tutorial`).
FedAvg weighted by training sample count; each round every pod starts from the global model,
trains one epoch (batch 64, SGD lr 0.001) and is scored on its validation rows; the pods train
one after the other on one thread (torch.set_num_threads(1)); after the last round the model is
scored on both pods' test rows (bf's auto_eval). Batch-norm running statistics are averaged
like the weights. The time excludes reading the CSVs. Prints one JSON line.

Usage: federated_torch.py --dir DIR [--pods 2] [--rounds 2] [--seed 1]
"""
import argparse
import copy
import json
import os
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_torch import TabularClassifier, read_encoded_csv, train  # noqa: E402


def score(model, data):
    codes, values, labels = data[:3]
    model.eval()
    with torch.no_grad():
        logits = model(codes, values)
    correct = int((logits.argmax(dim=1) == labels).sum())
    loss = float(nn.functional.cross_entropy(logits, labels, reduction="sum"))
    return correct, loss, len(labels)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--pods", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(arguments.seed)
    pods = []
    for pod in range(1, arguments.pods + 1):
        pods.append({part: read_encoded_csv(os.path.join(arguments.dir, f"pod{pod}-{part}.csv"))
                     for part in ("train", "validation", "test")})
    _, _, _, cardinalities, classes = pods[0]["train"]
    global_model = TabularClassifier(cardinalities, pods[0]["train"][1].shape[1], classes)

    start = time.perf_counter()
    round_metrics = []
    for _ in range(arguments.rounds):
        states, weights, validation = [], [], []
        for pod in pods:
            model = copy.deepcopy(global_model)
            optimizer = torch.optim.SGD(model.parameters(), lr=0.001)
            codes, values, labels = pod["train"][:3]
            train(model, optimizer, codes, values, labels, 64, epochs=1)
            validation.append(score(model, pod["validation"]))
            states.append(model.state_dict())
            weights.append(len(labels))
        total = sum(weights)
        averaged = {}
        for key, tensor in states[0].items():
            if tensor.dtype.is_floating_point:
                averaged[key] = sum(state[key] * (weight / total) for state, weight in zip(states, weights))
            else:
                averaged[key] = tensor
        global_model.load_state_dict(averaged)
        correct = sum(v[0] for v in validation)
        rows = sum(v[2] for v in validation)
        round_metrics.append({"validation_accuracy": correct / rows, "validation_loss": sum(v[1] for v in validation) / rows})
    tests = [score(global_model, pod["test"]) for pod in pods]
    seconds = time.perf_counter() - start
    print(json.dumps({
        "command": "tutorial", "engine": "pytorch", "torch_version": torch.__version__, "rounds": arguments.rounds,
        "seconds": seconds, "test_accuracy": sum(t[0] for t in tests) / sum(t[2] for t in tests),
        "round_metrics": round_metrics,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
