"""PostgreSQL full-text search on the same synthetic corpus and needs: the peer baseline.

Run: ``.venv/bin/python benchmarks/postgres_fts.py [--sizes 10000 100000]`` after
``benchmarks/ranking.py`` (whose results it compares with). For each size, loads the offers'
texts into a scratch table ``bench.offers`` (the schema is dropped at the end), builds a GIN
index on ``to_tsvector('simple', text)`` and times the top 10 by ``ts_rank`` for the same needs
with ``plainto_tsquery`` (all the need's words must occur). Because a need of twenty words
rarely has them all in one offer, it also times the same query with the words OR-ed, on fewer
needs, as that one ranks nearly every offer. Prints p50 and p95 latency, how many offers the
query matched, and the engine's latency divided by PostgreSQL's.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import psycopg
from ranking import RESULTS
from synthetic import make_world

URL = "postgresql://postgres@127.0.0.1:5432/test"
TOP = """
    SELECT id, ts_rank(to_tsvector('simple', text), query) AS rank
    FROM bench.offers, {query} AS query
    WHERE to_tsvector('simple', text) @@ query
    ORDER BY rank DESC LIMIT 10
"""
ALL_WORDS = "plainto_tsquery('simple', %s)"
ANY_WORD = "to_tsquery('simple', replace(plainto_tsquery('simple', %s)::text, '&', '|'))"


def load(connection: psycopg.Connection, texts: list[str]) -> float:
    """Fill bench.offers and index it; returns the seconds it took."""
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS bench CASCADE")
        cursor.execute("CREATE SCHEMA bench")
        cursor.execute("CREATE TABLE bench.offers (id integer PRIMARY KEY, text text NOT NULL)")
        with cursor.copy("COPY bench.offers (id, text) FROM STDIN") as copy:
            for row, text in enumerate(texts, start=1):
                copy.write_row((row, text))
        cursor.execute(
            "CREATE INDEX offers_fts ON bench.offers USING gin (to_tsvector('simple', text))"
        )
        cursor.execute("ANALYZE bench.offers")
    connection.commit()
    return time.perf_counter() - start


def timed(connection: psycopg.Connection, sql: str, needs: list[str]) -> np.ndarray:
    """Milliseconds of each query, results fetched."""
    times = []
    with connection.cursor() as cursor:
        for text in needs:
            start = time.perf_counter()
            cursor.execute(sql, (text,))
            cursor.fetchall()
            times.append((time.perf_counter() - start) * 1000)
    return np.array(times)


def matched(connection: psycopg.Connection, query: str, needs: list[str]) -> float:
    """Mean number of offers a query matches."""
    sql = f"SELECT count(*) FROM bench.offers WHERE to_tsvector('simple', text) @@ {query}"  # noqa: S608 (constant fragments; the need is a parameter)
    with connection.cursor() as cursor:
        counts = [cursor.execute(sql, (text,)).fetchone()[0] for text in needs]
    return float(np.mean(counts))


def measure(connection: psycopg.Connection, size: int, queries: int, broad: int) -> dict:
    world = make_world(size, n_needs=queries + 20)
    loaded = load(connection, [offer.text for offer in world.offers])
    needs = [need.text for need in world.needs]
    all_words, any_word = TOP.format(query=ALL_WORDS), TOP.format(query=ANY_WORD)
    timed(connection, all_words, needs[queries:])  # warm-up
    strict = timed(connection, all_words, needs[:queries])
    timed(connection, any_word, needs[queries : queries + 1])
    loose = timed(connection, any_word, needs[:broad])
    return {
        "offers": size,
        "load_s": loaded,
        "all_words": {"p50": float(np.median(strict)), "p95": float(np.percentile(strict, 95))},
        "all_matched": matched(connection, ALL_WORDS, needs[:20]),
        "any_word": {"p50": float(np.median(loose)), "p95": float(np.percentile(loose, 95))},
        "any_matched": matched(connection, ANY_WORD, needs[:5]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--broad", type=int, default=5, help="needs timed with OR-ed words")
    parser.add_argument("--url", default=URL)
    args = parser.parse_args()
    engine = {}
    if RESULTS.exists():
        engine = {r["offers"]: r["stored"] for r in json.loads(RESULTS.read_text())["results"]}
    results = []
    with psycopg.connect(args.url) as connection:
        connection.execute("SET statement_timeout = '20s'")
        try:
            for size in args.sizes:
                results.append(measure(connection, size, args.queries, args.broad))
        finally:
            connection.rollback()
            connection.execute("DROP SCHEMA IF EXISTS bench CASCADE")
            connection.commit()
    print(
        "\nPostgreSQL full-text search, top 10 by ts_rank over a GIN index on "
        "to_tsvector('simple', text); engine: two-stage hybrid ranking, stored need embedding, "
        "from benchmarks/ranking.py (ratio: engine ms / PostgreSQL ms)\n"
    )
    print(
        f"{'N offers':>9} {'load s':>7} {'query':>10} {'matched':>9} {'p50 ms':>7} {'p95 ms':>7}"
        f" {'engine p50':>11} {'ratio p50':>10} {'ratio p95':>10}"
    )
    for r in results:
        ours = engine.get(r["offers"])
        for name, label, count in (
            ("all_words", "all words", r["all_matched"]),
            ("any_word", "any word", r["any_matched"]),
        ):
            pg = r[name]
            ratio = (
                f"{ours['p50'] / pg['p50']:>10.3g} {ours['p95'] / pg['p95']:>10.3g}"
                if ours
                else f"{'-':>10} {'-':>10}"
            )
            mine = f"{ours['p50']:>11.1f}" if ours else f"{'-':>11}"
            print(
                f"{r['offers']:>9,} {r['load_s']:>7.1f} {label:>10} {count:>9.1f} "
                f"{pg['p50']:>7.1f} {pg['p95']:>7.1f} {mine} {ratio}"
            )
    print(f"\n'any word' timed on {args.broad} needs; 'matched': mean offers the query matched.")


if __name__ == "__main__":
    main()
