#!/usr/bin/env python3
"""The PyTorch side of scripts/bench/train: the same tabular classifier as bf's
(Bitfount's PyTorchTabularClassifier defaults), trained in eager mode on one thread from the
same encoded CSV (format: see Benchmarks/BenchmarkSupport/EncodedCSV.swift). Prints one JSON
line like `bf-bench-learning train`.

Usage: train_torch.py --data TRAIN.csv [--test TEST.csv] [--epochs E] [--batch-size B]
                      [--optimizer SGD|Adam|AdamW] [--lr X] [--seed S] [--warmup-steps W]
                      [--hidden 1000,500]
--hidden sets the hidden widths (dropouts 0.01 for the first layer, 0.1 after, as bf).
"""
import argparse
import json
import time

import numpy as np
import torch
from torch import nn


def read_encoded_csv(path):
    with open(path) as handle:
        header = handle.readline().strip().split(",")
    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
    categorical, cardinalities, continuous, target, classes = [], [], [], None, None
    for column, field in enumerate(header):
        parts = field.split(":")
        if parts[0] == "c":
            categorical.append(column)
            cardinalities.append(int(parts[2]))
        elif parts[0] == "x":
            continuous.append(column)
        elif parts[0] == "y":
            target, classes = column, int(parts[2])
    codes = torch.tensor(table[:, categorical], dtype=torch.long)
    values = torch.tensor(table[:, continuous], dtype=torch.float32)
    labels = torch.tensor(table[:, target], dtype=torch.long)
    return codes, values, labels, cardinalities, classes


class TabularClassifier(nn.Module):
    """Embeddings (width min(600, round(1.6·n^0.56))) with dropout, continuous batch norm,
    hidden layers Linear → Mish → BatchNorm1d → Dropout, output Linear."""

    def __init__(self, cardinalities, continuous_count, classes, hidden=(1000, 500), dropouts=(0.01, 0.1), embedding_dropout=0.04):
        super().__init__()
        widths = [min(600, round(1.6 * n ** 0.56)) for n in cardinalities]
        self.embeddings = nn.ModuleList(nn.Embedding(n, w) for n, w in zip(cardinalities, widths))
        self.embedding_dropout = nn.Dropout(embedding_dropout)
        self.continuous_norm = nn.BatchNorm1d(continuous_count)
        layers, previous = [], sum(widths) + continuous_count
        for width, dropout in zip(hidden, dropouts):
            layers += [nn.Linear(previous, width), nn.Mish(), nn.BatchNorm1d(width), nn.Dropout(dropout)]
            previous = width
        self.layers = nn.Sequential(*layers)
        self.output = nn.Linear(previous, classes)

    def forward(self, codes, values):
        embedded = torch.cat([embedding(codes[:, i]) for i, embedding in enumerate(self.embeddings)], dim=1)
        x = torch.cat([self.embedding_dropout(embedded), self.continuous_norm(values)], dim=1)
        return self.output(self.layers(x))


def train(model, optimizer, codes, values, labels, batch_size, epochs=None, steps=None):
    loss_function = nn.CrossEntropyLoss()
    model.train()
    rows, done, seen = len(labels), 0, 0
    total = steps if steps is not None else float("inf")
    for _ in range(epochs if epochs is not None else 1 << 30):
        order = torch.randperm(rows)
        for start in range(0, rows, batch_size):
            index = order[start:start + batch_size]
            if len(index) < 2 or done >= total:
                break
            optimizer.zero_grad(set_to_none=True)
            loss = loss_function(model(codes[index], values[index]), labels[index])
            loss.backward()
            optimizer.step()
            done += 1
            seen += len(index)
        if done >= total:
            break
    return seen


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--test")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--optimizer", default="SGD")
    parser.add_argument("--lr", type=float, default=0.001)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--warmup-steps", type=int, default=10)
    parser.add_argument("--hidden", default="1000,500")
    arguments = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(arguments.seed)
    codes, values, labels, cardinalities, classes = read_encoded_csv(arguments.data)
    hidden = tuple(int(width) for width in arguments.hidden.split(","))
    dropouts = tuple(0.01 if i == 0 else 0.1 for i in range(len(hidden)))
    model = TabularClassifier(cardinalities, values.shape[1], classes, hidden=hidden, dropouts=dropouts)
    optimizer = getattr(torch.optim, arguments.optimizer)(model.parameters(), lr=arguments.lr)
    if arguments.warmup_steps > 0:
        train(model, optimizer, codes, values, labels, arguments.batch_size, steps=arguments.warmup_steps)
    start = time.perf_counter()
    cpu_start = time.process_time()
    rows = train(model, optimizer, codes, values, labels, arguments.batch_size, epochs=arguments.epochs)
    seconds = time.perf_counter() - start
    # CPU time of the whole process (every thread PyTorch may start), without the time the
    # process waited for a core on a shared machine.
    cpu_seconds = time.process_time() - cpu_start
    result = {
        "command": "train", "engine": "pytorch", "torch_version": torch.__version__, "rows": rows,
        "epochs": arguments.epochs, "batch_size": arguments.batch_size, "hidden": list(hidden), "seconds": seconds,
        "samples_per_second": rows / seconds, "cpu_seconds": cpu_seconds,
        "cpu_samples_per_second": rows / cpu_seconds,
    }
    if arguments.test:
        test_codes, test_values, test_labels, _, _ = read_encoded_csv(arguments.test)
        model.eval()
        with torch.no_grad():
            logits = model(test_codes, test_values)
        result["test_accuracy"] = float((logits.argmax(dim=1) == test_labels).float().mean())
        result["test_loss"] = float(nn.functional.cross_entropy(logits, test_labels))
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
