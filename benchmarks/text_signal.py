"""Measure the text signal's parts and fusions on the labelled fixture, to choose and defend them.

Run: ``.venv/bin/python benchmarks/text_signal.py``. Prints the encoder's costs; the mean
reciprocal rank (MRR) of each need's one right offer under each fusion, for offers in English,
in French, and mixed (topics alternate between the two), split by whether the need is in its
offer's language; the TF-IDF scores of right and wrong offers across languages; and the MRR of
ways of aggregating an organisation's several texts.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import yaml

from matchmaker.engine.aggregation import soft_maximum
from matchmaker.engine.embeddings import UniversalSentenceEncoder
from matchmaker.engine.language import detect_languages
from matchmaker.engine.text import TextRelevance

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "engine" / "text_fixture.yaml"
SCENARIOS = {"en offers": "en", "fr offers": "fr", "mixed": "en fr"}

Fusion = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
# (lexical, semantic, same-language mask) -> scores; the chosen one is TextRelevance.score.
FUSIONS: dict[str, Fusion | None] = {
    "TF-IDF alone": lambda lex, sem, same: lex,
    "embeddings alone": lambda lex, sem, same: sem,
    "mean 50/50, language-blind": lambda lex, sem, same: 0.5 * lex + 0.5 * sem,
    "mean 50/50 same lang., else emb.": lambda lex, sem, same: np.where(
        same, 0.5 * lex + 0.5 * sem, sem
    ),
    "noisy-OR, language-blind (1/1)": lambda lex, sem, same: 1 - (1 - lex) * (1 - sem),
    "noisy-OR, same language only (1/0)": lambda lex, sem, same: 1 - (1 - same * lex) * (1 - sem),
    "noisy-OR, weighted 1/0.5 (chosen)": None,
}


def reciprocal_ranks(scores: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """Reciprocal rank of each row's gold column, averaged over random orders of ties."""
    target = scores[np.arange(len(gold)), gold][:, None]
    above = (scores > target).sum(axis=1)
    tied = (scores == target).sum(axis=1) - 1
    return np.array(
        [np.mean(1.0 / np.arange(a + 1, a + t + 2)) for a, t in zip(above, tied, strict=True)]
    )


def load_fixture() -> tuple[list[str], dict, list[tuple[str, str, int]]]:
    """Offer keys, offers by key and language, and (language, query, gold index) triples."""
    fixture = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    keys = list(fixture["offers"])
    queries = [
        (language, text, keys.index(key))
        for language, by_key in fixture["queries"].items()
        for key, text in by_key.items()
    ]
    return keys, fixture["offers"], queries


def fusion_table() -> None:
    """Print MRR by fusion, query language and whether the right offer shares that language."""
    keys, offers, queries = load_fixture()
    texts = [text for _, text, _ in queries]
    gold = np.array([index for _, _, index in queries])
    rows = np.arange(len(gold))
    rr: dict[str, list[np.ndarray]] = {name: [] for name in FUSIONS}
    right: dict[str, list[np.ndarray]] = {name: [] for name in FUSIONS}
    cells: list[str] = []
    for languages in SCENARIOS.values():
        offer_languages = [languages.split()[i % len(languages.split())] for i in range(len(keys))]
        model = TextRelevance().fit(
            [offers[k][lang] for k, lang in zip(keys, offer_languages, strict=True)],
            languages=offer_languages,
        )
        query_languages = np.array(detect_languages(texts), dtype=object)
        same = query_languages[:, None] == np.array(offer_languages, dtype=object)[None, :]
        lexical, semantic = model.lexical_scores(texts), model.semantic_scores(texts)
        for name, fusion in FUSIONS.items():
            scores = model.score(texts) if fusion is None else fusion(lexical, semantic, same)
            rr[name].append(reciprocal_ranks(scores, gold))
            right[name].append(scores[rows, gold])
        cells.extend(
            f"{lang}{'=' if s else '>'}"
            for (lang, _, _), s in zip(queries, same[rows, gold], strict=True)
        )
    cell = np.array(cells)
    columns = ["en=", "fr=", "en>", "fr>", "es>", "pt>", "ar>"]
    same_cell = np.char.endswith(cell, "=")
    print(
        f"\nMRR over {len(queries)} queries x {len(SCENARIOS)} offer sets ({', '.join(SCENARIOS)})"
        "\n'xx=': query in its right offer's language; 'xx>': in another language; "
        "'right=/>': mean score of the right offer"
    )
    print(
        f"{'fusion':36s}"
        + "".join(f"{c:>7s}" for c in columns)
        + "".join(f"{c:>7s}" for c in ("same", "cross", "all", "right=", "right>"))
    )
    print(f"{'(queries)':36s}" + "".join(f"{(cell == c).sum():>7d}" for c in columns))
    for name in FUSIONS:
        v, r = np.concatenate(rr[name]), np.concatenate(right[name])
        print(
            f"{name:36s}"
            + "".join(f"{v[cell == c].mean():7.3f}" for c in columns)
            + "".join(
                f"{x:7.3f}"
                for x in (
                    v[same_cell].mean(),
                    v[~same_cell].mean(),
                    v.mean(),
                    r[same_cell].mean(),
                    r[~same_cell].mean(),
                )
            )
        )


def lexical_bias_table() -> None:
    """Print mean TF-IDF scores across languages: cognates help, shared function words bias."""
    keys, offers, queries = load_fixture()
    texts = [offers[k][lang] for k in keys for lang in ("en", "fr")]
    text_language = np.array(["en", "fr"] * len(keys))
    topic = np.repeat(np.arange(len(keys)), 2)
    model = TextRelevance().fit(texts, languages=list(text_language))
    lexical = model.lexical_scores([text for _, text, _ in queries])
    query_language = np.array([language for language, _, _ in queries])
    is_right = topic[None, :] == np.array([index for _, _, index in queries])[:, None]
    print("\nmean TF-IDF score of right / wrong offers (all 40 offers, en and fr, in one corpus)")
    print(f"{'query':8s}{'en right':>10s}{'en wrong':>10s}{'fr right':>10s}{'fr wrong':>10s}")
    for language in dict.fromkeys(query_language):
        q = query_language == language
        values = [
            lexical[q][:, text_language == d][m[:, text_language == d]].mean()
            for d in ("en", "fr")
            for m in (is_right[q], ~is_right[q])
        ]
        print(f"{language:8s}" + "".join(f"{x:10.3f}" for x in values))


def group_mean(scores: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """The plain average of each group's columns, the baseline a soft maximum must beat."""
    return np.stack([scores[:, groups == g].mean(axis=1) for g in range(n_groups)], axis=1)


def aggregation_table(trials: int = 50) -> None:
    """Print MRR of the first right organisation when the offers are dealt to organisations."""
    keys, offers, queries = load_fixture()
    texts = [offers[k][lang] for k in keys for lang in ("en", "fr")]
    topic = np.repeat(np.arange(len(keys)), 2)
    scores = TextRelevance().fit(texts).score([text for _, text, _ in queries])
    gold = np.array([index for _, _, index in queries])
    rules: dict[str, Callable[[np.ndarray, np.ndarray, int], np.ndarray]] = {
        "maximum": lambda s, g, n: soft_maximum(s, g, n, temperature=0.0),
        "mean": group_mean,
        "0.8 max + 0.2 mean": lambda s, g, n: (
            0.8 * soft_maximum(s, g, n, 0.0) + 0.2 * group_mean(s, g, n)
        ),
        "soft maximum, t=0.05 (chosen)": lambda s, g, n: soft_maximum(s, g, n),
        "soft maximum, t=0.10": lambda s, g, n: soft_maximum(s, g, n, temperature=0.1),
    }
    rng = np.random.default_rng(0)
    results: dict[str, list[float]] = {name: [] for name in rules}
    n_orgs = 12
    for _ in range(trials):
        owner = rng.permutation(np.arange(len(texts)) % n_orgs)  # 3 or 4 texts each
        relevant = np.array([[owner[topic == g] == o for o in range(n_orgs)] for g in gold])
        relevant = relevant.any(axis=2)
        for name, rule in rules.items():
            by_org = rule(scores, owner, n_orgs)
            rank = [1 + (row > row[r].max()).sum() for row, r in zip(by_org, relevant, strict=True)]
            results[name].append(float(np.mean(1.0 / np.array(rank))))
    print(
        f"\nMRR of the first right organisation: {len(texts)} offers (en+fr) dealt to "
        f"{n_orgs} organisations, {trials} random deals"
    )
    for name, values in results.items():
        print(f"{name:36s}{np.mean(values):7.3f}")


def encoder_costs() -> None:
    """Print what the encoder costs: load time, per-text time and resident memory."""
    encoder = UniversalSentenceEncoder()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    encoder.encode(["a first text loads the weights"])
    loaded = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"encoder: first call (loads the weights) {loaded:.2f} s, "
        f"peak RSS +{(after - before) / 1024:.0f} MB"
    )
    _, offers, queries = load_fixture()
    for label, texts in (
        ("offers", [text for by_language in offers.values() for text in by_language.values()]),
        ("needs", [text for _, text, _ in queries]),
    ):
        batch = (texts * 3)[:100]
        start = time.perf_counter()
        vectors = encoder.encode(batch)
        per_text = (time.perf_counter() - start) / len(batch) * 1000
        length = np.mean([len(text) for text in batch])
        print(
            f"encoder, {label}: {per_text:.1f} ms per text in a batch of 100 "
            f"(mean {length:.0f} characters), dimension {vectors.shape[1]}"
        )


if __name__ == "__main__":
    encoder_costs()
    fusion_table()
    lexical_bias_table()
    aggregation_table()
