#!/usr/bin/env python3
"""Checks that a model file bf wrote loads, with strict=True, into the equivalent torch.nn
module (docs/model-files.md), and that this module, fed the pod's raw rows encoded with the
file's encoders and the pod's standardisation statistics from the file, gives the
probabilities bf returned for those rows to 1e-5.

Usage: check_torch_model.py MODEL.safetensors DATA.csv PREDICTIONS.csv SPLIT_SEED
DATA.csv is the pod's file; PREDICTIONS.csv is what `bf run --predictions` wrote; the rows
are found from their index in the pod's test split, which this script recomputes exactly as
bf splits (SeededGenerator: xoshiro256** seeded by SplitMix64, Fisher-Yates, 80/10/10).
"""
import csv
import json
import sys

import numpy as np
import torch
from safetensors.torch import load_file
from torch import nn

MASK = (1 << 64) - 1


class SeededGenerator:
    """bf's SeededGenerator (Sources/Learning/Core/SeededGenerator.swift)."""

    def __init__(self, seed):
        state = seed & MASK
        words = []
        for _ in range(4):
            state = (state + 0x9E3779B97F4A7C15) & MASK
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            words.append(z ^ (z >> 31))
        self.s = words

    def next(self):
        s0, s1, s2, s3 = self.s
        rotl = lambda x, k: ((x << k) | (x >> (64 - k))) & MASK
        result = (rotl((s1 * 5) & MASK, 7) * 9) & MASK
        t = (s1 << 17) & MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def next_int_below(self, bound):
        product = self.next() * bound
        low = product & MASK
        if low < bound:
            threshold = ((1 << 64) - bound) % bound
            while low < threshold:
                product = self.next() * bound
                low = product & MASK
        return product >> 64


def test_split(row_count, seed):
    """The row numbers of bf's test split, in the split's order."""
    order = list(range(row_count))
    generator = SeededGenerator(seed)
    i = row_count - 1
    while i > 0:
        j = generator.next_int_below(i + 1)
        order[i], order[j] = order[j], order[i]
        i -= 1
    train = row_count * 8 // 10
    validation = row_count // 10
    return order[train + validation:]


class HiddenBlock(nn.Module):
    """Linear → Mish → BatchNorm1d → Dropout, as bf's HiddenBlock."""

    def __init__(self, inputs, width, dropout):
        super().__init__()
        self.linear = nn.Linear(inputs, width)
        self.norm = nn.BatchNorm1d(width)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.dropout(self.norm(nn.functional.mish(self.linear(x))))


class TabularClassifier(nn.Module):
    """The torch.nn module whose state dict has exactly the names of a bf model file."""

    def __init__(self, layout, architecture, embedding_widths):
        super().__init__()
        cardinalities = [column["cardinality"] for column in layout["categorical"]]
        self.embeddings = nn.ModuleList(nn.Embedding(c, w) for c, w in zip(cardinalities, embedding_widths))
        self.embedding_dropout = nn.Dropout(architecture["embeddingDropout"])
        continuous = len(layout["continuousNames"])
        self.continuous_norm = nn.BatchNorm1d(continuous) if continuous else None
        width = sum(embedding_widths) + continuous
        blocks = []
        for hidden, dropout in zip(architecture["hiddenLayers"], architecture["hiddenDropouts"]):
            blocks.append(HiddenBlock(width, hidden, dropout))
            width = hidden
        self.layers = nn.ModuleList(blocks)
        self.output = nn.Linear(width, layout["classCount"])

    def forward(self, codes, continuous):
        parts = [embedding(codes[:, i]) for i, embedding in enumerate(self.embeddings)]
        x = self.embedding_dropout(torch.cat(parts, dim=1)) if parts else continuous[:, :0]
        if self.continuous_norm is not None:
            x = torch.cat([x, self.continuous_norm(continuous)], dim=1)
        for block in self.layers:
            x = block(x)
        return torch.softmax(self.output(x), dim=1)


def main():
    model_path, data_path, predictions_path, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    tensors = load_file(model_path)
    from safetensors import safe_open
    with safe_open(model_path, framework="pt") as handle:
        metadata = handle.metadata()
    problems = []
    if metadata.get("bf.format") != "bf.tabular-classifier" or metadata.get("bf.format_version") != "2":
        problems.append(f"format marker {metadata.get('bf.format')!r} version {metadata.get('bf.format_version')!r}")
    layout = json.loads(metadata["bf.layout"])
    architecture = json.loads(metadata["bf.architecture"])
    specification = json.loads(metadata["bf.specification"])
    standardisation = json.loads(metadata["bf.standardisation"])
    classes = json.loads(metadata["bf.classes"])

    widths = [tensors[f"embeddings.{i}.weight"].shape[1] for i in range(len(layout["categorical"]))]
    module = TabularClassifier(layout, architecture, widths)
    module.load_state_dict(tensors, strict=True)
    module.eval()

    with open(data_path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    test_rows = test_split(len(rows), seed)
    with open(predictions_path, newline="") as handle:
        predicted = list(csv.DictReader(handle))
    if not predicted:
        problems.append("bf wrote no predictions")
    pods = {row["pod"] for row in predicted}
    if len(pods) != 1:
        problems.append(f"expected the predictions of one pod, got {sorted(pods)}")
    pod = predicted[0]["pod"] if predicted else ""
    statistics = standardisation["pods"][pod]
    encoders = [column["encoder"]["values"] for column in specification["categorical"]]

    codes, continuous, expected = [], [], []
    for line in predicted:
        raw = rows[test_rows[int(line["test_row"])]]
        codes.append([values.index(raw[column["name"]]) for values, column in zip(encoders, specification["categorical"])])
        # As bf: Float((x - mean) * (1 / scale)) in double, then float32; scale 1 for a constant column.
        continuous.append([np.float32((float(raw[name]) - s["mean"]) * (1 / (s["standardDeviation"] or 1.0)))
                           for name, s in zip(specification["continuous"], statistics)])
        expected.append([float(line["p_" + name]) for name in classes])
    with torch.no_grad():
        probabilities = module(torch.tensor(codes, dtype=torch.long).reshape(len(codes), len(encoders)),
                               torch.tensor(np.array(continuous, dtype=np.float32)).reshape(len(codes), len(statistics))).numpy()
    difference = float(np.max(np.abs(probabilities - np.array(expected, dtype=np.float32)))) if expected else 0.0
    if difference > 1e-5:
        problems.append(f"probabilities differ from bf's by up to {difference:.3g}")
    names = sorted(tensors)
    tracked = [name for name in names if name.endswith("num_batches_tracked")]
    if len(tracked) != len(architecture["hiddenLayers"]) + (1 if layout["continuousNames"] else 0):
        problems.append(f"num_batches_tracked tensors: {tracked}")

    if problems:
        for problem in problems:
            print(f"check-torch-model: {problem}", file=sys.stderr)
        return 1
    print(f"check-torch-model: {len(names)} tensors load into torch {torch.__version__} with strict=True; "
          f"{len(expected)} test rows of {pod} score as in bf (largest difference {difference:.2g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
