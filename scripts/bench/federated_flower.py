#!/usr/bin/env python3
"""The Flower side of scripts/bench/federated: tutorial 5's federated job (FedAvg by sample
count, 2 rounds of 1 epoch, batch 64, SGD lr 0.001) in Flower's simulation engine (Ray
backend, one CPU per client), on the rows bf's two demo pods encoded. With --tiny, the
round-overhead job instead: hidden layer [4], batch 8, one step per round, ROUNDS rounds.
"seconds" is the whole simulation (Ray start-up included); "round_seconds" is Flower's own
"Run finished … in Xs" (the rounds only), from which rounds/s is computed. No auto_eval. Prints one JSON line.

Usage: federated_flower.py --dir DIR [--rounds 2] [--tiny]
"""
import argparse
import json
import logging
import re
import os
import sys
import time
import warnings

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_torch import TabularClassifier, read_encoded_csv, train  # noqa: E402

import flwr  # noqa: E402
from flwr.client import ClientApp, NumPyClient  # noqa: E402
from flwr.common import Context, ndarrays_to_parameters  # noqa: E402
from flwr.server import ServerApp, ServerAppComponents, ServerConfig  # noqa: E402
from flwr.server.strategy import FedAvg  # noqa: E402
from flwr.simulation import run_simulation  # noqa: E402

arguments = None
rounds_seconds = []


class RoundsTime(logging.Handler):
    """Catches Flower's own "Run finished N round(s) in Xs", the rounds without Ray's start-up."""

    def emit(self, record):
        match = re.search(r"Run finished \d+ round\(s\) in ([0-9.]+)s", record.getMessage())
        if match:
            rounds_seconds.append(float(match.group(1)))


def make_model(data):
    _, values, _, cardinalities, classes = data
    if arguments.tiny:
        return TabularClassifier(cardinalities, values.shape[1], classes, hidden=(4,), dropouts=(0.0,))
    return TabularClassifier(cardinalities, values.shape[1], classes)


class PodClient(NumPyClient):
    def __init__(self, pod):
        torch.set_num_threads(1)
        self.data = read_encoded_csv(os.path.join(arguments.dir, f"pod{pod}-train.csv"))
        self.model = make_model(self.data)

    def get_parameters(self, config):
        return [value.cpu().numpy() for value in self.model.state_dict().values()]

    def set_parameters(self, parameters):
        keys = self.model.state_dict().keys()
        self.model.load_state_dict({key: torch.tensor(value) for key, value in zip(keys, parameters)})

    def fit(self, parameters, config):
        self.set_parameters(parameters)
        optimizer = torch.optim.SGD(self.model.parameters(), lr=0.001)
        codes, values, labels = self.data[:3]
        if arguments.tiny:
            train(self.model, optimizer, codes, values, labels, 8, steps=1)
        else:
            train(self.model, optimizer, codes, values, labels, 64, epochs=1)
        return self.get_parameters({}), len(labels), {}


def client_fn(context: Context):
    return PodClient(int(context.node_config["partition-id"]) + 1).to_client()


def server_fn(context: Context):
    data = read_encoded_csv(os.path.join(arguments.dir, "pod1-train.csv"))
    initial = [value.numpy() for value in make_model(data).state_dict().values()]
    strategy = FedAvg(fraction_fit=1.0, fraction_evaluate=0.0, min_fit_clients=2, min_available_clients=2,
                      initial_parameters=ndarrays_to_parameters(initial))
    return ServerAppComponents(strategy=strategy, config=ServerConfig(num_rounds=arguments.rounds))


def main():
    global arguments
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tiny", action="store_true")
    arguments = parser.parse_args()
    logging.getLogger("flwr").addHandler(RoundsTime())
    start = time.perf_counter()
    run_simulation(server_app=ServerApp(server_fn=server_fn), client_app=ClientApp(client_fn=client_fn),
                   num_supernodes=2, backend_config={"client_resources": {"num_cpus": 1, "num_gpus": 0.0}})
    seconds = time.perf_counter() - start
    print(json.dumps({"command": "overhead" if arguments.tiny else "tutorial", "engine": "flower",
                      "flwr_version": flwr.__version__, "rounds": arguments.rounds, "seconds": seconds,
                      "round_seconds": rounds_seconds[0] if rounds_seconds else None,
                      "rounds_per_second": arguments.rounds / (rounds_seconds[0] if rounds_seconds else seconds)}, sort_keys=True))


if __name__ == "__main__":
    main()
