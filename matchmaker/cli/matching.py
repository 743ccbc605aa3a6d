"""Matching from the terminal: rank offers for a need, evaluate the engine, solve a round."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from matchmaker.cli.common import echo_figures, fail
from matchmaker.errors import DomainError
from matchmaker.extensions import db


@click.command("rank")
@click.option("--country", required=True, help="ISO 3166 alpha-3 code of the requesting country.")
@click.option("--text", required=True, help="The need, in any language.")
@click.option("--theme", "themes", multiple=True, help="Theme code (repeatable).")
@click.option("--language", help="Two-letter code of the text's language (else detected).")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 50))
@click.option("--include-own-country", is_flag=True, help="Also rank the requester's country.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def rank_command(
    country: str,
    text: str,
    themes: tuple[str, ...],
    language: str | None,
    top: int,
    include_own_country: bool,
    as_json: bool,
) -> None:
    """Rank the published offers for an ad-hoc need of a country."""
    from matchmaker.api.serializers import match
    from matchmaker.matching.service import rank_text

    try:
        ranking = rank_text(
            country=country,
            text=text,
            themes=themes,
            language=language,
            top=top,
            include_own_country=include_own_country,
        )
    except DomainError as error:
        fail(error)
    if as_json:
        click.echo(json.dumps([match(m) for m in ranking.peers], indent=2, ensure_ascii=False))
        return
    for position, item in enumerate(ranking.peers, start=1):
        click.echo(
            f"{position:>2}. {item.score:.3f}  {item.country}  {item.name} — {item.offers[0].title}"
        )


@click.command("evaluate")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def evaluate_command(as_json: bool) -> None:
    """Leave-one-out evaluation of the engine and baselines on the documented exchanges."""
    from dataclasses import asdict

    from matchmaker.matching.evaluate import evaluate_engine, render

    try:
        report = evaluate_engine()
        db.session.commit()  # keep the offer embeddings computed on the way
    except DomainError as error:
        fail(error)
    click.echo(json.dumps(asdict(report), indent=2) if as_json else render(report))


@click.command("assign")
@click.option("--round", "round_id", type=int, metavar="ID", help="Solve the stored round ID.")
@click.option(
    "--synthetic",
    nargs=2,
    type=click.IntRange(min=1),
    metavar="NEEDS PROVIDERS",
    help="Solve a random round of this size instead.",
)
@click.option("--per-need", type=click.IntRange(min=1), help="Most partners per need (synthetic).")
@click.option("--capacity", type=click.IntRange(min=0), help="Exchanges per provider (synthetic).")
@click.option(
    "--candidates", type=click.IntRange(min=1), help="Candidates per need (default: all, dense)."
)
@click.option("--seed", default=0, show_default=True, type=int, help="Random seed (synthetic).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def assign_command(
    round_id: int | None,
    synthetic: tuple[int, int] | None,
    per_need: int | None,
    capacity: int | None,
    candidates: int | None,
    seed: int,
    as_json: bool,
) -> None:
    """Choose all the pairs of a matching round at once, exactly, and compare with greedy."""
    import time

    from matchmaker.engine.assignment import compare_with_greedy
    from matchmaker.engine.assignment_synthetic import synthetic_round

    if round_id is not None and synthetic:
        raise click.UsageError("Give either --round or --synthetic, not both.")
    if round_id is not None:
        _assign_round(round_id, as_json)
        return
    if not synthetic:
        raise click.UsageError("Give --round ID or --synthetic NEEDS PROVIDERS.")
    if per_need is None or capacity is None:
        raise click.UsageError("--synthetic needs --per-need M and --capacity K.")
    start = time.perf_counter()
    try:
        problem = synthetic_round(*synthetic, per_need, capacity, candidates, seed)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    report = compare_with_greedy(problem)
    report["total_seconds"] = round(time.perf_counter() - start, 3)
    echo_figures(report, as_json)


@with_appcontext
def _assign_round(round_id: int, as_json: bool) -> None:
    """Solve a stored round (ranking its needs afresh) and store its slate, like its page, but
    in the foreground, with its progress on stderr."""
    from flask import current_app

    from matchmaker.rounds import runner, solves
    from matchmaker.rounds.services import load_round

    def progress(done: int, total: int) -> None:
        if done == total or done * 10 // total != (done - 1) * 10 // total:
            click.echo(f"ranked {done} of {total} needs", err=True)

    try:
        round_ = load_round(round_id)
        solve_id = solves.start(None, round_, round_.version).id
        db.session.commit()
    except DomainError as error:
        fail(error)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    state = runner.run_solve(app, solve_id, on_progress=progress)
    round_ = load_round(round_id)
    if state != "solved":
        solve = solves.progress(round_)["solve"]
        raise click.ClickException(solve["message"] or f"The solve ended {state}.")
    echo_figures(round_.statistics, as_json, ensure_ascii=False)
