"""Ranking latency, index build, memory and incremental updates on a synthetic world of work.

Run: ``.venv/bin/python benchmarks/ranking.py [--sizes 10000 100000]``. Each size runs in its
own process, so that its memory figures are its own. Prints, per number of offers N: the build
time and memory of the index; the p50 and p95 latency of ranking one need (after a warm-up),
with the need's stored embedding and with its text encoded in the call; the time to add, edit
(remove and add again) and remove one offer; the recall of the two-stage ranking against
scoring every offer; and the encoder's cost per text. ``benchmarks/synthetic.py`` says how the
world and its embeddings are made. The results also go to ~/.cache/matchmaker-bench/ for
``benchmarks/postgres_fts.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from synthetic import CACHE, PERTURBATION, World, embeddings, make_world

from matchmaker.engine.embeddings import UniversalSentenceEncoder
from matchmaker.engine.ranker import Matcher
from matchmaker.engine.text import TextRelevance
from matchmaker.engine.themes import ThemeTagger

RESULTS = CACHE / "ranking-results.json"
RECALL_CANDIDATES = (100, 250, 500)


def rss_mb() -> float:
    """Resident memory of this process now (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function, repeats: int) -> np.ndarray:
    """Milliseconds of each of `repeats` calls of function(i)."""
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        function(i)
        times.append((time.perf_counter() - start) * 1000)
    return np.array(times)


def percentiles(ms: np.ndarray) -> dict[str, float]:
    return {"p50": float(np.percentile(ms, 50)), "p95": float(np.percentile(ms, 95))}


def recall(matcher: Matcher, world: World, needs: np.ndarray, vectors: np.ndarray) -> dict:
    """Share of the top-10 providers of exhaustive scoring that two stages find, per K."""
    default = matcher.candidates
    matcher.candidates = None
    exact = [matcher.rank(world.needs[i], embedding=vectors[i]) for i in needs]
    found = {}
    for k in RECALL_CANDIDATES:
        matcher.candidates = k
        shares: dict[str, list[float]] = {"peers": [], "facilitators": []}
        for i, truth in zip(needs, exact, strict=True):
            ranking = matcher.rank(world.needs[i], embedding=vectors[i])
            for name in shares:
                wanted = {m.provider_id for m in getattr(truth, name)}
                got = {m.provider_id for m in getattr(ranking, name)}
                if wanted:
                    shares[name].append(len(wanted & got) / len(wanted))
        ms = timed(lambda j: matcher.rank(world.needs[j], embedding=vectors[j]), len(needs))
        found[k] = {name: float(np.mean(v)) for name, v in shares.items()} | percentiles(ms)
    matcher.candidates = default
    return found


def updates(matcher: Matcher, world: World, vectors: np.ndarray, repeats: int) -> dict:
    """Milliseconds to add a new offer, edit one (remove, add again) and remove one."""
    rng = np.random.default_rng(7)
    n = len(world.offers)
    picks = rng.choice(n, size=3 * repeats, replace=False)
    noise = rng.standard_normal((repeats, vectors.shape[1])).astype(np.float32)

    def add(i: int) -> None:
        source = world.offers[picks[i]]
        vector = vectors[picks[i]] + noise[i] * PERTURBATION / np.sqrt(vectors.shape[1])
        offer = replace(source, id=n + 1 + i, text=source.text + f"\nRef. {i}")
        matcher.add_offers([offer], vector[None])

    def edit(i: int) -> None:
        offer = world.offers[picks[repeats + i]]
        matcher.remove_offers([offer.id])
        matcher.add_offers(
            [replace(offer, text=offer.text + " (updated)")], vectors[[offer.id - 1]]
        )

    def remove(i: int) -> None:
        matcher.remove_offers([world.offers[picks[2 * repeats + i]].id])

    return {
        name: percentiles(ms) | {"max": float(ms.max())}
        for name, ms in (
            ("add", timed(add, repeats)),
            ("edit", timed(edit, repeats)),
            ("remove", timed(remove, repeats)),
        )
    }


def measure(n_offers: int, queries: int, warmup: int, repeats: int) -> dict:
    """Everything for one size, in this process."""
    start = time.perf_counter()
    world = make_world(n_offers, n_needs=queries + warmup)
    encoder = UniversalSentenceEncoder()
    vectors, need_vectors = embeddings(world, encoder)
    encoder.encode(["load the weights before measuring"])
    generated = time.perf_counter() - start
    before = rss_mb()
    start = time.perf_counter()
    matcher = Matcher(
        theme_pillars=world.pillars,
        text=TextRelevance(encoder),
        tagger=ThemeTagger().fit(world.specs),
    ).fit(world.offers, world.providers, world.countries, world.history, world.load, vectors)
    build = time.perf_counter() - start
    index_mb, peak_mb = rss_mb() - before, peak_rss_mb()
    for i in range(warmup):
        matcher.rank(world.needs[queries + i], embedding=need_vectors[queries + i])
    stored = timed(lambda i: matcher.rank(world.needs[i], embedding=need_vectors[i]), queries)
    encoded = timed(lambda i: matcher.rank(world.needs[i]), queries)
    sample = np.arange(min(queries, 100 if n_offers > 20_000 else queries))
    return {
        "offers": n_offers,
        "providers": len(world.providers),
        "generate_s": generated,
        "build_s": build,
        "index_mb": index_mb,
        "peak_rss_mb": peak_mb,
        "stored": percentiles(stored),
        "encoded": percentiles(encoded),
        "recall": recall(matcher, world, sample, need_vectors),
        "updates": updates(matcher, world, vectors, repeats),
        "rss_after_mb": rss_mb(),
    }


def encoder_costs() -> dict[str, float]:
    """Milliseconds per text: offers in batches of 100, needs one at a time."""
    world = make_world(300, n_needs=20)
    encoder = UniversalSentenceEncoder()
    encoder.encode(["load the weights"])
    texts = [o.text for o in world.offers[:100]]
    start = time.perf_counter()
    encoder.encode(texts)
    batch = (time.perf_counter() - start) * 1000 / len(texts)
    single = timed(lambda i: encoder.encode([world.needs[i].text]), 20)
    return {"offer_batch_ms": batch, "need_single_ms": float(np.median(single))}


def report(results: list[dict], costs: dict[str, float]) -> None:
    print(
        "\nSynthetic corpus: texts from data/themes.yaml's phrase banks (en/fr/es/pt) and "
        "templates; about 3,000 distinct base texts embedded once with the real encoder "
        f"(cached in {CACHE}), each offer's vector its base's plus Gaussian noise (cosine "
        "~0.95 to the base); the needs' vectors real. Latency: one need, top 10 peers and "
        "10 facilitators with explanations."
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    head = (
        f"{'N offers':>9} {'build s':>8} {'index MB':>9} {'peak RSS MB':>12} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p50 enc':>8} {'p95 enc':>8} "
        f"{'add p50/p95':>12} {'edit p50/p95':>13} {'remove p50/p95':>15}"
    )
    print(head)
    for r in results:
        u = r["updates"]
        cells = [f"{u[k]['p50']:.1f}/{u[k]['p95']:.1f}" for k in ("add", "edit", "remove")]
        print(
            f"{r['offers']:>9,} {r['build_s']:>8.1f} {r['index_mb']:>9.0f} "
            f"{r['peak_rss_mb']:>12.0f} {r['stored']['p50']:>7.1f} {r['stored']['p95']:>7.1f} "
            f"{r['encoded']['p50']:>8.1f} {r['encoded']['p95']:>8.1f} "
            f"{cells[0]:>12} {cells[1]:>13} {cells[2]:>15}"
        )
    print("\n'enc': the need's text encoded in the call instead of its stored embedding.")
    print(
        "update max ms: "
        + "; ".join(
            f"{r['offers']:,}: " + ", ".join(f"{k} {v['max']:.0f}" for k, v in r["updates"].items())
            for r in results
        )
    )
    print(
        "\nRecall of the two-stage ranking: share of the top-10 providers of scoring every "
        "offer that it also lists (K: offers fully scored per list)"
    )
    print(f"{'N offers':>9} {'K':>6} {'peers':>7} {'facilitators':>13} {'p50 ms':>7} {'p95 ms':>7}")
    for r in results:
        for k, v in r["recall"].items():
            print(
                f"{r['offers']:>9,} {k:>6} {v['peers']:>7.3f} {v['facilitators']:>13.3f} "
                f"{v['p50']:>7.1f} {v['p95']:>7.1f}"
            )
    print(
        f"\nencoder: {costs['offer_batch_ms']:.1f} ms per offer text in batches of 100, "
        f"{costs['need_single_ms']:.1f} ms for one need alone"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--updates", type=int, default=50)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a size, in a child process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.queries, args.warmup, args.updates)))
        return
    results = []
    for size in args.sizes:
        command = [sys.executable, __file__, "--one", str(size), "--queries", str(args.queries)]
        command += ["--warmup", str(args.warmup), "--updates", str(args.updates)]
        out = subprocess.run(command, check=True, capture_output=True, text=True, timeout=900)  # noqa: S603 (this script)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"measured {size:,} offers", file=sys.stderr)
    costs = encoder_costs()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"results": results, "encoder": costs}, indent=1))
    report(results, costs)


if __name__ == "__main__":
    main()
