#!/usr/bin/env python3
"""Checks that a safetensors file written by bf loads in the reference Python library with
the shapes, values and metadata bf meant to write.

Usage: check_safetensors.py FILE EXPECTED_JSON
EXPECTED_JSON holds {"tensors": {name: {"shape": [...], "values": [...]}}, "order": [...],
"metadata": {...}} as written by `bf-bench-learning write-checkpoint`.
"""
import json
import struct
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file


def main() -> int:
    path, expected_path = sys.argv[1], sys.argv[2]
    with open(expected_path) as handle:
        expected = json.load(handle)
    problems = []

    with open(path, "rb") as handle:
        raw = handle.read()
    (header_length,) = struct.unpack("<Q", raw[:8])
    if (8 + header_length) % 8 != 0:
        problems.append(f"data starts at byte {8 + header_length}, not a multiple of 8")

    tensors = load_file(path)
    if sorted(tensors) != sorted(expected["tensors"]):
        problems.append(f"tensor names differ: {sorted(tensors)} vs {sorted(expected['tensors'])}")
    for name, want in expected["tensors"].items():
        got = tensors.get(name)
        if got is None:
            continue
        if got.dtype != np.float32:
            problems.append(f"{name}: dtype {got.dtype}, expected float32")
        if list(got.shape) != want["shape"]:
            problems.append(f"{name}: shape {list(got.shape)}, expected {want['shape']}")
        values = np.asarray(want["values"], dtype=np.float32).reshape(want["shape"])
        if not np.array_equal(got, values):
            problems.append(f"{name}: values differ (max difference {np.max(np.abs(got - values))})")

    with safe_open(path, framework="np") as handle:
        metadata = handle.metadata() or {}
    if metadata != expected["metadata"]:
        problems.append(f"metadata differs: {metadata} vs {expected['metadata']}")
    for key in ("bf.format", "bf.layout", "bf.architecture", "bf.version"):
        if key not in metadata:
            problems.append(f"metadata lacks {key}")
    json.loads(metadata.get("bf.layout", "{}"))
    header = json.loads(raw[8 : 8 + header_length])
    offsets = sorted((entry["data_offsets"][0], name) for name, entry in header.items() if name != "__metadata__")
    if [name for _, name in offsets] != expected["order"]:
        problems.append(f"data order {[name for _, name in offsets]} differs from the model order {expected['order']}")

    if problems:
        for problem in problems:
            print(f"check-safetensors: {problem}", file=sys.stderr)
        return 1
    print(f"check-safetensors: {len(tensors)} tensors, {len(metadata)} metadata entries load in safetensors; shapes, values and metadata match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
