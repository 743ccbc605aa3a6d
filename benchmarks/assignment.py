"""Time, memory and objective of the exact round solver against greedy, at the issue's three sizes.

Run: ``.venv/bin/python benchmarks/assignment.py`` (about two minutes on two cores). Each size
runs in a fresh process so that its peak resident memory is its own; the peak covers the whole
process: generating the round, solving it exactly, and the greedy baseline. Rounds are
``synthetic_round(needs, providers, per_need=3, capacity=3, candidates, seed=0)``: every need
wants 1 to 3 partners and the providers can host exactly as many exchanges as wanted, so that
the popular providers and the country caps decide who is served.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

from matchmaker.engine.assignment import compare_with_greedy
from matchmaker.engine.assignment_synthetic import synthetic_round

SIZES = [  # needs, providers, candidates per need (None: dense), target seconds
    (1_000, 1_000, None, 2.0),
    (5_000, 5_000, 100, 3.0),
    (50_000, 50_000, 100, 30.0),
]
PER_NEED = CAPACITY = 3
MEMORY_TARGET_MB = 2048


def measure(index: int) -> dict[str, object]:
    """One size, in this process: the CLI's comparison plus generation time and peak memory."""
    needs, providers, candidates, _ = SIZES[index]
    start = time.perf_counter()
    problem = synthetic_round(needs, providers, PER_NEED, CAPACITY, candidates, seed=0)
    generated = time.perf_counter() - start
    report = compare_with_greedy(problem)
    report["generate_seconds"] = round(generated, 3)
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return report


def main() -> None:
    """Run every size in a child process and print the table."""
    print(
        f"{'round':<26}{'pairs':>10}{'solve s':>9}{'target s':>10}{'greedy s':>9}{'peak MB':>9}"
        f"{'objective':>12}{'greedy':>12}{'gain':>8}{'served/greedy':>16}{'ok':>4}"
    )
    for index, (needs, providers, candidates, target) in enumerate(SIZES):
        child = subprocess.run(  # noqa: S603 (this very script, with an index)
            [sys.executable, __file__, "--one", str(index)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(child.stdout)
        name = f"{needs:,} x {providers:,} " + (f"top-{candidates}" if candidates else "dense")
        served = f"{r['served_needs']:,}/{r['greedy_served_needs']:,}"
        met = "ok" if r["seconds"] <= target and r["peak_rss_mb"] <= MEMORY_TARGET_MB else "MISS"
        print(
            f"{name:<26}{r['candidate_pairs']:>10,}{r['seconds']:>9.2f}{target:>6.0f}{met:>4}"
            f"{r['greedy_seconds']:>9.2f}{r['peak_rss_mb']:>9,}{r['objective']:>12.2f}"
            f"{r['greedy_objective']:>12.2f}{r['gain_percent']:>7.2f}%"
            f"{served:>16}{'yes' if r['constraints_ok'] else 'NO':>4}"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(measure(int(sys.argv[2]))))
    else:
        main()
