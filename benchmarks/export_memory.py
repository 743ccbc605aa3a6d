"""Peak memory of `matchmaker export` as the history grows: it must stay flat (streaming).

Run: ``.venv/bin/python benchmarks/export_memory.py [--sizes 10000 100000]``. For each size,
builds a scratch SQLite database (in a temporary folder) with that many completed exchanges
between verified organisations, each with two providers, themes and an evaluation, then runs
``matchmaker export csv|json|iati --output FILE`` in a child process and reports the child's
peak resident memory (ru_maxrss), its time and the file's size.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[1]
MATCHMAKER = str(Path(sys.executable).with_name("matchmaker"))


def build(url: str, size: int) -> None:
    """Schema, reference data and `size` public exchanges, with bulk inserts."""
    from matchmaker import create_app
    from matchmaker.extensions import db
    from matchmaker.reference import sync_reference_data
    from models import (
        Base,
        Country,
        Evaluation,
        Exchange,
        ExchangeProvider,
        Need,
        Organisation,
        Theme,
    )
    from models.catalogue import need_themes

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        Base.metadata.create_all(db.engine)
        sync_reference_data()
        db.session.commit()
        countries = db.session.scalars(select(Country.iso3)).all()
        themes = db.session.scalars(select(Theme.code)).all()
        rng = random.Random(0)  # noqa: S311 - reproducible data, not secrets
        organisations = [
            {"id": i + 1, "name": f"Organisation {i}", "name_key": f"organisation {i}",
             "country_code": countries[i % len(countries)], "constituent_type": "government",
             "working_languages": ["en"], "verification_status": "verified"}
            for i in range(400)
        ]  # fmt: skip
        db.session.execute(insert(Organisation), organisations)
        chunk = 10_000
        for start in range(0, size, chunk):
            ids = range(start + 1, min(size, start + chunk) + 1)
            db.session.execute(
                insert(Need),
                [{"id": i, "organisation_id": 1 + i % 400, "title": f"Need {i}",
                  "description": "Learn from peers.", "status": "closed"} for i in ids],
            )  # fmt: skip
            db.session.execute(
                insert(need_themes),
                [{"need_id": i, "theme_code": rng.choice(themes)} for i in ids],
            )
            db.session.execute(
                insert(Exchange),
                [{"id": i, "need_id": i, "title": f"Exchange {i} on employment policy",
                  "state": "completed", "modality": "study_visit", "year": 2000 + i % 25,
                  "objectives": "Strengthen employment services. " * 4,
                  "results": "Services improved in three provinces. " * 4} for i in ids],
            )  # fmt: skip
            db.session.execute(
                insert(ExchangeProvider),
                [{"exchange_id": i, "organisation_id": 1 + (i + k * 7) % 400, "consent": "accepted"}
                 for i in ids for k in (1, 2)],
            )  # fmt: skip
            db.session.execute(
                insert(Evaluation),
                [{"exchange_id": i, "organisation_id": 1 + i % 400, "side": "requester",
                  "usefulness": 1 + i % 5, "principles": {}} for i in ids],
            )  # fmt: skip
            db.session.commit()


def export(url: str, fmt: str, output: Path) -> tuple[float, float]:
    """Run the CLI in a child; return (peak RSS in MiB, seconds)."""
    env = {**os.environ, "MATCHMAKER_DATABASE_URL": url, "MATCHMAKER_SECRET_KEY": "bench"}
    start = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 - our own command
        [MATCHMAKER, "export", fmt, "--output", str(output)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    _pid, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the largest one's
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"export {fmt} failed with exit code {child.returncode}")
    return usage.ru_maxrss / 1024, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000])
    args = parser.parse_args()
    print(f"{'exchanges':>10} {'format':>6} {'peak RSS MiB':>13} {'seconds':>8} {'file MiB':>9}")
    with tempfile.TemporaryDirectory() as folder:
        for size in sorted(args.sizes):
            url = f"sqlite:///{folder}/bench-{size}.db"
            build(url, size)
            for fmt in ("csv", "json", "iati"):
                output = Path(folder) / f"export-{size}.{fmt}"
                peak, seconds = export(url, fmt, output)
                megabytes = output.stat().st_size / 2**20
                print(f"{size:>10} {fmt:>6} {peak:>13.1f} {seconds:>8.1f} {megabytes:>9.1f}")
                output.unlink()


if __name__ == "__main__":
    main()
