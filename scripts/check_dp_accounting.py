#!/usr/bin/env python3
"""Compares bf's differential-privacy accountant (`bf privacy … --json`) with Google's
dp_accounting RdpAccountant, the independent implementation it follows.

Usage:
  check_dp_accounting.py BF            compare on the grid; exit 1 on any mismatch
  check_dp_accounting.py --table       print dp_accounting's epsilons for the table in
                                       Tests/LearningTests/RDPAccountantTests.swift

The grid: every sampling rate q in {0.001, 0.01, 0.05, 0.2, 1}, noise multiplier sigma in
{0.5, 0.8, 1.1, 2, 5}, steps in {1, 100, 10000} and delta in {1e-5, 1e-7} (150 points), whose
epsilons must agree to 1% relative; then the noise multiplier search on a few budgets, against
dp_accounting's own calibration (Brent's method), to 1% relative, with the sigma bf returns
meeting the budget in dp_accounting's accounting and sigma * (1 - 1e-3) missing it.
"""
import itertools
import json
import math
import subprocess
import sys

import dp_accounting
from absl import logging
from dp_accounting import rdp

# dp_accounting warns when a fractional order's series does not converge and leaves that order
# out; bf does the same, silently.
logging.set_verbosity(logging.ERROR)

TOLERANCE = 0.01
SAMPLING_RATES = [0.001, 0.01, 0.05, 0.2, 1.0]
NOISE_MULTIPLIERS = [0.5, 0.8, 1.1, 2.0, 5.0]
STEPS = [1, 100, 10000]
DELTAS = [1e-5, 1e-7]
# (target epsilon, delta, q, steps)
BUDGETS = [
    (1.0, 1e-5, 0.01, 1000),
    (3.0, 1e-5, 256 / 60000, 2343),
    (8.0, 1e-5, 0.05, 10000),
    (0.5, 1e-6, 0.001, 100000),
    (2.0, 1e-7, 1.0, 10),
    (10.0, 1e-5, 0.2, 50),
]


def reference_epsilon(q, sigma, steps, delta):
    """dp_accounting's epsilon and order for `steps` Poisson-sampled Gaussian steps."""
    accountant = rdp.RdpAccountant()
    event = dp_accounting.SelfComposedDpEvent(
        dp_accounting.PoissonSampledDpEvent(q, dp_accounting.GaussianDpEvent(sigma)), steps)
    accountant.compose(event)
    epsilon, order = accountant.get_epsilon_and_optimal_order(delta)
    return float(epsilon), float(order)


def reference_noise(epsilon, delta, q, steps):
    """dp_accounting's calibration of sigma for a budget."""
    return float(dp_accounting.calibrate_dp_mechanism(
        rdp.RdpAccountant,
        lambda sigma: dp_accounting.SelfComposedDpEvent(
            dp_accounting.PoissonSampledDpEvent(q, dp_accounting.GaussianDpEvent(sigma)), steps),
        epsilon, delta, tol=1e-9))


def bf_json(bf, arguments):
    run = subprocess.run([bf, "privacy", *arguments, "--json"], capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        raise RuntimeError(f"bf privacy {' '.join(arguments)} exited {run.returncode}: {run.stderr.strip()}")
    return json.loads(run.stdout)


def relative_difference(mine, reference):
    if mine == reference:
        return 0.0
    return abs(mine - reference) / max(abs(reference), 1e-300)


def compare(bf):
    problems = []
    worst = 0.0
    other_orders = 0
    print(f"{'q':>7} {'sigma':>5} {'steps':>6} {'delta':>6} | {'bf epsilon':>14} {'order':>5} | "
          f"{'dp_accounting':>14} {'order':>5} | rel. diff")
    for q, sigma, steps, delta in itertools.product(SAMPLING_RATES, NOISE_MULTIPLIERS, STEPS, DELTAS):
        mine = bf_json(bf, ["epsilon", "--sampling-rate", repr(q), "--noise-multiplier", repr(sigma),
                            "--steps", str(steps), "--delta", repr(delta)])
        epsilon, order = reference_epsilon(q, sigma, steps, delta)
        difference = relative_difference(mine["epsilon"], epsilon)
        worst = max(worst, difference)
        other_orders += mine["order"] != order
        flag = "" if difference <= TOLERANCE else "  MISMATCH"
        print(f"{q:>7g} {sigma:>5g} {steps:>6} {delta:>6g} | {mine['epsilon']:>14.8g} {mine['order']:>5g} | "
              f"{epsilon:>14.8g} {order:>5g} | {difference:.2e}{flag}")
        if flag:
            problems.append(f"epsilon at q={q} sigma={sigma} steps={steps} delta={delta}: "
                            f"bf {mine['epsilon']}, dp_accounting {epsilon}")
    points = len(SAMPLING_RATES) * len(NOISE_MULTIPLIERS) * len(STEPS) * len(DELTAS)
    print(f"epsilon: {points} points, max relative difference {worst:.3e}, best order different at {other_orders}")

    print()
    print(f"{'target':>6} {'delta':>6} {'q':>9} {'steps':>6} | {'bf sigma':>12} | {'dp_accounting':>13} | rel. diff | "
          f"{'eps at sigma':>12} {'eps at 0.999 sigma':>18}")
    worst_noise = 0.0
    for target, delta, q, steps in BUDGETS:
        mine = bf_json(bf, ["noise", "--epsilon", repr(target), "--delta", repr(delta),
                            "--sampling-rate", repr(q), "--steps", str(steps)])
        sigma = mine["noise_multiplier"]
        reference = reference_noise(target, delta, q, steps)
        difference = relative_difference(sigma, reference)
        worst_noise = max(worst_noise, difference)
        at_sigma, _ = reference_epsilon(q, sigma, steps, delta)
        below, _ = reference_epsilon(q, sigma * (1 - 1e-3), steps, delta)
        meets = at_sigma <= target * (1 + 1e-9) and below > target
        flag = "" if difference <= TOLERANCE and meets else "  MISMATCH"
        print(f"{target:>6g} {delta:>6g} {q:>9.6g} {steps:>6} | {sigma:>12.8g} | {reference:>13.8g} | {difference:.2e}  | "
              f"{at_sigma:>12.8g} {below:>18.8g}{flag}")
        if flag:
            problems.append(f"noise for epsilon {target} delta {delta} q {q} steps {steps}: bf {sigma}, "
                            f"dp_accounting {reference} (its epsilon at bf's sigma {at_sigma}, at 0.999 sigma {below})")
    print(f"noise multiplier: {len(BUDGETS)} budgets, max relative difference {worst_noise:.3e}")

    # The special cases: no noise, no sampling.
    unbounded = bf_json(bf, ["epsilon", "--sampling-rate", "0.01", "--noise-multiplier", "0", "--steps", "10", "--delta", "1e-5"])
    if unbounded["epsilon"] is not None or not math.isinf(reference_epsilon(0.01, 0.0, 10, 1e-5)[0]):
        problems.append(f"sigma 0: bf {unbounded['epsilon']}, expected null (dp_accounting: inf)")
    nothing = bf_json(bf, ["epsilon", "--sampling-rate", "0", "--noise-multiplier", "1", "--steps", "10", "--delta", "1e-5"])
    if nothing["epsilon"] != reference_epsilon(0.0, 1.0, 10, 1e-5)[0]:
        problems.append(f"q 0: bf {nothing['epsilon']}, dp_accounting {reference_epsilon(0.0, 1.0, 10, 1e-5)[0]}")

    for problem in problems:
        print(f"check-dp-accounting: {problem}", file=sys.stderr)
    return 1 if problems else 0


def table():
    """Rows for the Swift test: a spread of settings, with dp_accounting's epsilon and order."""
    rows = [(0.01, 1.1, 10000, 1e-5), (0.001, 0.8, 100, 1e-5), (0.05, 2.0, 10000, 1e-7), (0.2, 0.5, 100, 1e-5),
            (1.0, 5.0, 1, 1e-5), (256 / 60000, 1.1, 14062, 1e-5), (0.01, 0.5, 1, 1e-7), (0.001, 5.0, 10000, 1e-5)]
    for q, sigma, steps, delta in rows:
        epsilon, order = reference_epsilon(q, sigma, steps, delta)
        print(f"        ({q!r}, {sigma!r}, {steps}, {delta!r}, {epsilon!r}, {order!r}),")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--table"]:
        sys.exit(table())
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    sys.exit(compare(sys.argv[1]))
