#!/usr/bin/env python3
"""The Opacus peer of bf's DP-SGD (issue 13), for scripts/bench/train dp and
scripts/bench/dp-accuracy: bf's tabular classifier (train_torch.py's shape) in eager PyTorch on
one thread, made private by Opacus's PrivacyEngine with Poisson sampling (sample rate
1 / ceil(rows / batch), as bf), the same max_grad_norm and a noise multiplier either given or
computed by Opacus from (epsilon, delta, sample rate, steps) with its RDP accountant.

Batch norm: Opacus's ModuleValidator rejects BatchNorm (its statistics mix the rows of a batch,
so a row's gradient is no per-sample quantity) and its `fix` would put GroupNorm in its place.
bf instead runs every batch norm on its running statistics, frozen, under DP (as PyTorch's
eval-mode BatchNorm1d) while the affine weight and bias train. This script does the same:
FrozenNorm below is the per-feature affine y = (x - running_mean) / sqrt(running_var + eps)
* weight + bias with running_mean 0 and running_var 1 fixed (the values of a freshly made
BatchNorm1d, which DP training never updates; kept as plain tensors because Opacus refuses a
trainable layer with buffers), and registers with Opacus the per-sample
gradients of its weight (x_hat * dy) and bias (dy) for the default "hooks" mode, and their norms
for "ghost" mode (Opacus's fast gradient clipping, two backward passes, as bf's clipping).

Batches: Opacus's own Poisson sampler (the DPDataLoader's batch sampler) draws each batch's
indices, and the batch is taken by indexing the tensors, as train_torch.py does, rather than
by the DataLoader's per-row collation, so that the time is the training's.

Usage:
  dp_opacus.py train --data TRAIN.csv [--test TEST.csv] [--epochs 1] [--batch-size 64]
                     [--optimizer SGD] [--lr 0.001] [--hidden 1000,500] [--max-grad-norm 1]
                     (--noise-multiplier S | --epsilon 3 --delta 1e-5) [--warmup-steps 10]
                     [--mode hooks|ghost] [--seed 0]
      one training, timed after the warm-up (whose steps count in the noise's plan); one JSON line
  dp_opacus.py federated --dir DIR [--pods 2] [--rounds 2] [--batch-size 256] [--optimizer Adam]
                     [--lr 0.01] [--hidden 64] [--epsilon 3] [--delta 1e-5] [--max-grad-norm 1]
                     [--mode hooks] [--seed 1] [--private 1]
      tutorial 6's federated job on the pods' encoded rows (DIR/podN-{train,validation,test}.csv
      from `bf-bench-training dp`): every round each pod starts from the global model with a
      fresh optimizer and trains one epoch with DP-SGD at the noise for all its planned steps
      (rounds x batches per epoch, at its own sample rate); FedAvg weighted by training rows;
      the final model scored on every pod's test rows pooled. One JSON line.
"""
import argparse
import copy
import json
import math
import os
import sys
import time
import warnings

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_torch import read_encoded_csv  # noqa: E402

import opacus  # noqa: E402
from opacus import PrivacyEngine  # noqa: E402
from opacus.accountants import RDPAccountant  # noqa: E402
from opacus.accountants.utils import get_noise_multiplier  # noqa: E402
from opacus.grad_sample import register_grad_sampler, register_norm_sampler  # noqa: E402
from opacus.validators import ModuleValidator  # noqa: E402

# Opacus warns on every make_private about secure_mode being off and the like.
warnings.filterwarnings("ignore")


class FrozenNorm(nn.Module):
    """BatchNorm1d on frozen running statistics: the running mean 0 and variance 1 of a new
    batch norm, never updated; the affine weight and bias train."""

    def __init__(self, features, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(features))
        self.bias = nn.Parameter(torch.zeros(features))
        # Plain tensors, not buffers: Opacus refuses a trainable layer with buffers, and
        # these never change.
        self.running_mean = torch.zeros(features)
        self.running_var = torch.ones(features)

    def normalized(self, x):
        return (x - self.running_mean) * torch.rsqrt(self.running_var + self.eps)

    def forward(self, x):
        return self.normalized(x) * self.weight + self.bias


@register_grad_sampler(FrozenNorm)
def frozen_norm_grad_sample(layer, activations, backprops):
    """Row r's gradients: weight x_hat_r * dy_r, bias dy_r."""
    normalized = layer.normalized(activations[0])
    return {layer.weight: normalized * backprops, layer.bias: backprops}


@register_norm_sampler(FrozenNorm)
def frozen_norm_norm_sample(layer, activations, backprops):
    """Row r's gradient norms, for ghost clipping."""
    normalized = layer.normalized(activations[0])
    return {layer.weight: (normalized * backprops).norm(2, dim=1), layer.bias: backprops.norm(2, dim=1)}


class PrivateTabularClassifier(nn.Module):
    """train_torch.TabularClassifier with FrozenNorm for each BatchNorm1d: embeddings (width
    min(600, round(1.6 n^0.56))) with dropout, the continuous inputs' norm, hidden layers
    Linear -> Mish -> norm -> Dropout, output Linear."""

    def __init__(self, cardinalities, continuous_count, classes, hidden=(1000, 500), embedding_dropout=0.04):
        super().__init__()
        dropouts = [0.01 if i == 0 else 0.1 for i in range(len(hidden))]
        widths = [min(600, round(1.6 * n ** 0.56)) for n in cardinalities]
        self.embeddings = nn.ModuleList(nn.Embedding(n, w) for n, w in zip(cardinalities, widths))
        self.embedding_dropout = nn.Dropout(embedding_dropout)
        self.continuous_norm = FrozenNorm(continuous_count)
        layers, previous = [], sum(widths) + continuous_count
        for width, dropout in zip(hidden, dropouts):
            layers += [nn.Linear(previous, width), nn.Mish(), FrozenNorm(width), nn.Dropout(dropout)]
            previous = width
        self.layers = nn.Sequential(*layers)
        self.output = nn.Linear(previous, classes)

    def forward(self, codes, values):
        embedded = torch.cat([embedding(codes[:, i]) for i, embedding in enumerate(self.embeddings)], dim=1)
        x = torch.cat([self.embedding_dropout(embedded), self.continuous_norm(values)], dim=1)
        return self.output(self.layers(x))


def batches_per_epoch(rows, batch_size):
    return max(1, math.ceil(rows / batch_size))


class PrivateTrainer:
    """One Opacus-wrapped model, optimizer and Poisson sampler over one dataset."""

    def __init__(self, model, data, batch_size, optimizer, lr, noise_multiplier, max_grad_norm, mode):
        codes, values, labels = data[:3]
        self.codes, self.values, self.labels = codes, values, labels
        errors = ModuleValidator.validate(model, strict=False)
        if errors:
            raise SystemExit(f"dp_opacus.py: Opacus rejects the model: {errors}")
        loader = DataLoader(TensorDataset(codes, values, labels), batch_size=batch_size)
        engine = PrivacyEngine(accountant="rdp")
        made = engine.make_private(
            module=model, optimizer=getattr(torch.optim, optimizer)(model.parameters(), lr=lr),
            criterion=nn.CrossEntropyLoss(), data_loader=loader, noise_multiplier=noise_multiplier,
            max_grad_norm=max_grad_norm, poisson_sampling=True, grad_sample_mode=mode)
        if mode == "ghost":
            self.model, self.optimizer, self.criterion, private_loader = made
        else:
            self.model, self.optimizer, private_loader = made
            self.criterion = nn.CrossEntropyLoss()
        self.engine = engine
        self.sampler = private_loader.batch_sampler
        self.sample_rate = private_loader.sample_rate
        self.steps_per_epoch = len(loader)

    def step(self, indices):
        """One DP-SGD step on the rows `indices` (possibly none); returns the row count."""
        index = torch.as_tensor(indices, dtype=torch.long)
        self.optimizer.zero_grad(set_to_none=True)
        loss = self.criterion(self.model(self.codes[index], self.values[index]), self.labels[index])
        loss.backward()
        self.optimizer.step()
        return len(index)

    def train(self, epochs=None, steps=None):
        """Trains for `steps` batches or `epochs` epochs of Poisson batches; returns rows seen."""
        self.model.train()
        seen, done = 0, 0
        total = steps if steps is not None else epochs * self.steps_per_epoch
        while done < total:
            for indices in self.sampler:
                if done >= total:
                    break
                seen += self.step(indices)
                done += 1
        return seen


def score(model, data):
    codes, values, labels = data[:3]
    model.eval()
    with torch.no_grad():
        logits = model(codes, values)
    correct = int((logits.argmax(dim=1) == labels).sum())
    loss = float(nn.functional.cross_entropy(logits, labels, reduction="sum"))
    return correct, loss, len(labels)


def epsilon_spent(noise_multiplier, sample_rate, steps, delta):
    accountant = RDPAccountant()
    accountant.history = [(noise_multiplier, sample_rate, steps)]
    return accountant.get_epsilon(delta)


def hidden_widths(text):
    return tuple(int(width) for width in text.split(","))


def train_command(arguments):
    torch.manual_seed(arguments.seed)
    data = read_encoded_csv(arguments.data)
    codes, values, labels, cardinalities, classes = data
    model = PrivateTabularClassifier(cardinalities, values.shape[1], classes, hidden=hidden_widths(arguments.hidden))
    rate = 1 / batches_per_epoch(len(labels), arguments.batch_size)
    planned = arguments.warmup_steps + arguments.epochs * batches_per_epoch(len(labels), arguments.batch_size)
    if arguments.noise_multiplier is not None:
        sigma = arguments.noise_multiplier
    else:
        sigma = get_noise_multiplier(target_epsilon=arguments.epsilon, target_delta=arguments.delta,
                                     sample_rate=rate, steps=planned, accountant="rdp")
    trainer = PrivateTrainer(model, data, arguments.batch_size, arguments.optimizer, arguments.lr, sigma,
                             arguments.max_grad_norm, arguments.mode)
    if arguments.warmup_steps > 0:
        trainer.train(steps=arguments.warmup_steps)
    start = time.perf_counter()
    cpu_start = time.process_time()
    rows = trainer.train(epochs=arguments.epochs)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    result = {
        "command": "train", "engine": "opacus", "mode": arguments.mode, "opacus_version": opacus.__version__,
        "torch_version": torch.__version__, "rows": rows, "epochs": arguments.epochs, "batch_size": arguments.batch_size,
        "hidden": list(hidden_widths(arguments.hidden)), "noise_multiplier": sigma, "max_grad_norm": arguments.max_grad_norm,
        "sample_rate": rate, "steps": planned, "seconds": seconds, "samples_per_second": rows / seconds,
        "cpu_seconds": cpu_seconds, "cpu_samples_per_second": rows / cpu_seconds,
        "epsilon_spent": epsilon_spent(sigma, rate, planned, arguments.delta), "delta": arguments.delta,
    }
    if arguments.test:
        correct, loss, count = score(trainer.model, read_encoded_csv(arguments.test))
        result["test_accuracy"] = correct / count
        result["test_loss"] = loss / count
    print(json.dumps(result, sort_keys=True))


def federated_command(arguments):
    torch.manual_seed(arguments.seed)
    pods = []
    for pod in range(1, arguments.pods + 1):
        pods.append({part: read_encoded_csv(os.path.join(arguments.dir, f"pod{pod}-{part}.csv"))
                     for part in ("train", "validation", "test")})
    _, values, _, cardinalities, classes = pods[0]["train"]
    hidden = hidden_widths(arguments.hidden)
    global_model = PrivateTabularClassifier(cardinalities, values.shape[1], classes, hidden=hidden)
    for pod in pods:
        rows = len(pod["train"][2])
        pod["sample_rate"] = 1 / batches_per_epoch(rows, arguments.batch_size)
        pod["planned_steps"] = arguments.rounds * batches_per_epoch(rows, arguments.batch_size)
        pod["noise_multiplier"] = get_noise_multiplier(
            target_epsilon=arguments.epsilon, target_delta=arguments.delta, sample_rate=pod["sample_rate"],
            steps=pod["planned_steps"], accountant="rdp") if arguments.private else 0.0
        pod["steps"] = 0

    start = time.perf_counter()
    for _ in range(arguments.rounds):
        states, weights = [], []
        for pod in pods:
            model = copy.deepcopy(global_model)
            if arguments.private:
                trainer = PrivateTrainer(model, pod["train"], arguments.batch_size, arguments.optimizer, arguments.lr,
                                         pod["noise_multiplier"], arguments.max_grad_norm, arguments.mode)
                trainer.train(epochs=1)
                pod["steps"] += trainer.steps_per_epoch
            else:
                # The same model without DP: shuffled batches, FrozenNorm kept (so the two
                # differ by DP-SGD alone).
                from train_torch import train
                optimizer = getattr(torch.optim, arguments.optimizer)(model.parameters(), lr=arguments.lr)
                codes, values, labels = pod["train"][:3]
                train(model, optimizer, codes, values, labels, arguments.batch_size, epochs=1)
            states.append(model.state_dict())
            weights.append(len(pod["train"][2]))
        total = sum(weights)
        global_model.load_state_dict({key: sum(state[key] * (weight / total) for state, weight in zip(states, weights))
                                      for key in states[0]})
    tests = [score(global_model, pod["test"]) for pod in pods]
    seconds = time.perf_counter() - start
    print(json.dumps({
        "command": "federated", "engine": "opacus", "private": bool(arguments.private), "mode": arguments.mode,
        "opacus_version": opacus.__version__, "torch_version": torch.__version__, "seed": arguments.seed,
        "rounds": arguments.rounds, "batch_size": arguments.batch_size, "hidden": list(hidden),
        "optimizer": arguments.optimizer, "lr": arguments.lr, "epsilon": arguments.epsilon, "delta": arguments.delta,
        "seconds": seconds, "test_accuracy": sum(t[0] for t in tests) / sum(t[2] for t in tests),
        "test_loss": sum(t[1] for t in tests) / sum(t[2] for t in tests),
        "pods": [{"train_rows": len(pod["train"][2]), "sample_rate": pod["sample_rate"], "steps": pod["steps"],
                  "noise_multiplier": pod["noise_multiplier"],
                  "epsilon_spent": epsilon_spent(pod["noise_multiplier"], pod["sample_rate"], pod["steps"], arguments.delta)
                  if arguments.private else 0.0} for pod in pods],
    }, sort_keys=True))


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train")
    train.add_argument("--data", required=True)
    train.add_argument("--test")
    train.add_argument("--epochs", type=int, default=1)
    train.add_argument("--batch-size", type=int, default=64)
    train.add_argument("--optimizer", default="SGD")
    train.add_argument("--lr", type=float, default=0.001)
    train.add_argument("--hidden", default="1000,500")
    train.add_argument("--max-grad-norm", type=float, default=1.0)
    train.add_argument("--noise-multiplier", type=float)
    train.add_argument("--epsilon", type=float, default=3.0)
    train.add_argument("--delta", type=float, default=1e-5)
    train.add_argument("--warmup-steps", type=int, default=10)
    train.add_argument("--mode", choices=["hooks", "ghost"], default="hooks")
    train.add_argument("--seed", type=int, default=0)
    federated = commands.add_parser("federated")
    federated.add_argument("--dir", required=True)
    federated.add_argument("--pods", type=int, default=2)
    federated.add_argument("--rounds", type=int, default=2)
    federated.add_argument("--batch-size", type=int, default=256)
    federated.add_argument("--optimizer", default="Adam")
    federated.add_argument("--lr", type=float, default=0.01)
    federated.add_argument("--hidden", default="64")
    federated.add_argument("--epsilon", type=float, default=3.0)
    federated.add_argument("--delta", type=float, default=1e-5)
    federated.add_argument("--max-grad-norm", type=float, default=1.0)
    federated.add_argument("--mode", choices=["hooks", "ghost"], default="hooks")
    federated.add_argument("--seed", type=int, default=1)
    federated.add_argument("--private", type=int, default=1)
    arguments = parser.parse_args()
    torch.set_num_threads(1)
    if arguments.command == "train":
        train_command(arguments)
    else:
        federated_command(arguments)


if __name__ == "__main__":
    main()
