"""Command line: `matchmaker ...` and the same commands under `flask --app wsgi ...`.

Commands are thin: they parse options, call one service, commit once, and print.
"""

from __future__ import annotations

import json
import secrets
import string
import sys
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from matchmaker.errors import DomainError
from matchmaker.extensions import db
from models import User


def _fail(error: DomainError) -> NoReturn:
    db.session.rollback()
    fields = "".join(f"\n  {name}: {message}" for name, message in error.fields.items())
    raise click.ClickException(f"{error.message}{fields}")


def generated_password() -> str:
    alphabet = string.ascii_letters + string.digits
    return "-".join("".join(secrets.choice(alphabet) for _ in range(6)) for _ in range(4))


@click.command("init")
@click.option("--demo", is_flag=True, help="Also load the demo world from data/demo.")
@with_appcontext
def init_command(demo: bool) -> None:
    """Apply migrations, refresh reference data, optionally load the demo world and accounts."""
    from flask_migrate import upgrade

    from matchmaker.bootstrap import ensure_role_accounts, load_demo_world
    from matchmaker.reference import sync_reference_data

    upgrade()
    countries, themes = sync_reference_data()
    db.session.commit()
    click.echo(f"Database ready: {countries} countries, {themes} themes.")
    if demo:
        click.echo(load_demo_world())
        db.session.commit()
    from matchmaker.matching.service import build_index

    click.echo(f"Ranking index ready: {build_index()} published offers.")
    db.session.commit()
    created = ensure_role_accounts(generated_password)
    db.session.commit()
    if created:
        click.echo("Accounts created (passwords are shown once; store them now):")
        for email, role, password in created:
            click.echo(f"  {role:<12} {email:<32} {password}")


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
def run_command(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the app with gunicorn (a production WSGI server)."""
    from matchmaker.server import serve

    click.echo(f"Matchmaker is serving on http://{host}:{port}/  (Ctrl+C to stop)")
    serve(host=host, port=port, workers=workers, threads=threads)


@click.group("users")
def users_group() -> None:
    """Manage accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option(
    "--role",
    type=click.Choice(["member", "coordinator", "admin"]),
    default="member",
    show_default=True,
)
@click.option("--name", "display_name", default="", help="Display name (default: from e-mail).")
@click.option("--organisation", "organisation_name", help="Organisation (created if missing).")
@click.option("--country", help="ISO 3166 alpha-3 code of the organisation's country.")
@click.option(
    "--type", "constituent_type", type=click.Choice(["government", "employers", "workers", "other"])
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def users_create(
    email: str,
    role: str,
    display_name: str,
    organisation_name: str | None,
    country: str | None,
    constituent_type: str | None,
    password_stdin: bool,
) -> None:
    """Create an account (and its organisation, verified, if it does not exist yet)."""
    from matchmaker.auth.services import create_user
    from matchmaker.profiles import organisations

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else generated_password()
    try:
        organisation = None
        if organisation_name:
            if not country:
                raise DomainError("--country is required with --organisation.")
            organisation = organisations.find_by_name(country.upper(), organisation_name)
            if organisation is None:
                if not constituent_type:
                    raise DomainError("--type is required to create a new organisation.")
                values = organisations.clean_organisation(
                    {
                        "name": organisation_name,
                        "country": country,
                        "constituent_type": constituent_type,
                        "working_languages": ["en"],
                    }
                )
                organisation = organisations.create_organisation(values, verified=True)
        user = create_user(
            email=email,
            password=password,
            display_name=display_name,
            role=role,
            organisation=organisation,
        )
        db.session.commit()
    except DomainError as error:
        _fail(error)
    click.echo(
        f"Created {user.role} {user.email}" + (f" in {organisation.name}" if organisation else "")
    )
    if not password_stdin:
        click.echo(f"Password (shown once): {password}")


@users_group.command("set-password")
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def users_set_password(email: str, password_stdin: bool) -> None:
    """Reset a password (ends the user's sessions)."""
    from matchmaker.auth.services import set_password

    user = db.session.scalar(select(User).where(User.email == email.strip().casefold()))
    if user is None:
        raise click.ClickException(f"No account with e-mail {email}.")
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else generated_password()
    try:
        set_password(user, password)
        db.session.commit()
    except DomainError as error:
        _fail(error)
    click.echo(f"Password changed for {user.email}.")
    if not password_stdin:
        click.echo(f"Password (shown once): {password}")


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def stats_command(as_json: bool) -> None:
    """Counts of organisations, countries, users, needs, offers and exchanges."""
    from matchmaker.stats import summary

    figures = summary()
    if as_json:
        click.echo(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        click.echo(f"{key}: {value}")


@click.group("data")
def data_group() -> None:
    """Check and load data files (YAML or JSON; see data/README.md)."""


@data_group.command("validate")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@with_appcontext
def data_validate(path: Path) -> None:
    """Report every problem with file, record and field; exit 1 if there is any."""
    from matchmaker.dataload import validate_path

    dataset = validate_path(path)
    for problem in dataset.problems:
        click.echo(str(problem), err=True)
    if dataset.problems:
        raise click.ClickException(f"{len(dataset.problems)} problem(s) found.")
    click.echo(
        f"OK: {len(dataset.organisations)} organisations, {len(dataset.offers)} offers, "
        f"{len(dataset.needs)} needs, {len(dataset.exchanges)} past exchanges."
    )


@data_group.command("load")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@with_appcontext
def data_load(path: Path) -> None:
    """Load in one transaction: all or nothing; loading twice creates no duplicates."""
    from matchmaker.dataload import DataProblems, load_path

    try:
        report = load_path(path)
        db.session.commit()
    except DataProblems as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(error.message) from error
    click.echo(report.summary())


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
        _fail(error)
    if as_json:
        click.echo(json.dumps([match(m) for m in ranking.peers], indent=2, ensure_ascii=False))
        return
    for position, item in enumerate(ranking.peers, start=1):
        click.echo(
            f"{position:>2}. {item.score:.3f}  {item.country}  {item.name} — {item.offers[0].title}"
        )


@click.group("outbox")
def outbox_group() -> None:
    """The e-mail outbox."""


@outbox_group.command("send")
@click.option("--loop", is_flag=True, help="Keep sending every --interval seconds (a worker).")
@click.option("--interval", default=30, show_default=True, type=click.IntRange(1, 3600))
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000))
@with_appcontext
def outbox_send(loop: bool, interval: int, limit: int) -> None:
    """Send due e-mails over SMTP (MATCHMAKER_SMTP_*); failures are retried with backoff."""
    import time

    from flask import current_app

    from matchmaker.exchanges.outbox import SmtpSettings, send_due

    settings = SmtpSettings.from_config(current_app.config)
    while True:
        sent, failed = send_due(settings, limit=limit)
        click.echo(f"sent {sent}, failed {failed} (will be retried)")
        if not loop:
            return
        time.sleep(interval)


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
        _fail(error)
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
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    for key, value in report.items():
        click.echo(f"{key}: {value}")


@click.command("export")
@click.argument("fmt", metavar="iati|csv|json", type=click.Choice(["iati", "csv", "json"]))
@click.option(
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write (replaced only once the export is complete).",
)
@click.option(
    "--dataset",
    type=click.Choice(["exchanges", "offers"]),
    default="exchanges",
    show_default=True,
    help="Public exchanges or published offers (IATI: exchanges only).",
)
@with_appcontext
def export_command(fmt: str, output: Path, dataset: str) -> None:
    """Write the open data: IATI 2.03 activities, CSV or JSON, streamed to FILE."""
    import os

    from flask import current_app

    from matchmaker.public.exports import export
    from matchmaker.public.iati import ReportingOrg
    from matchmaker.public.records import Filters

    partial = output.with_name(f".{output.name}.partial")
    # Links in the files point at MATCHMAKER_BASE_URL, as they would from a page.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        try:
            chunks = export(
                fmt,
                dataset,
                filters=Filters(),
                reporting_org=ReportingOrg.from_config(current_app.config),
            )
            with partial.open("w", encoding="utf-8", newline="") as file:
                for chunk in chunks:
                    file.write(chunk)
        except DomainError as error:
            partial.unlink(missing_ok=True)
            _fail(error)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    os.replace(partial, output)
    click.echo(f"Wrote {output} ({output.stat().st_size} bytes).")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Back the whole database up to PATH (SQLite online backup, or pg_dump's custom format)."""
    from matchmaker.backup import backup

    try:
        backup(db.engine, path, force=force)
    except DomainError as error:
        _fail(error)
    click.echo(f"Backup written to {path} ({path.stat().st_size} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the whole database by the backup in PATH (stop the app's writers first)."""
    from matchmaker.backup import restore

    if not yes:
        click.confirm(f"Replace every record in the database by the backup {path}?", abort=True)
    db.session.remove()
    try:
        restore(db.engine, path)
    except DomainError as error:
        _fail(error)
    click.echo(f"Restored from {path}. Run `matchmaker init` if it comes from an older version.")


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
        _fail(error)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    state = runner.run_solve(app, solve_id, on_progress=progress)
    round_ = load_round(round_id)
    if state != "solved":
        solve = solves.progress(round_)["solve"]
        raise click.ClickException(solve["message"] or f"The solve ended {state}.")
    report = round_.statistics
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    for key, value in report.items():
        click.echo(f"{key}: {value}")


COMMANDS = [
    export_command,
    init_command,
    run_command,
    users_group,
    stats_command,
    data_group,
    rank_command,
    outbox_group,
    evaluate_command,
    assign_command,
    backup_command,
    restore_command,
]


def register(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:
    from matchmaker import create_app

    return create_app()


main = FlaskGroup(
    name="matchmaker",
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=False,
    help="Matchmaker: South-South peer-learning matches.",
)
for _command in COMMANDS:
    main.add_command(_command)
