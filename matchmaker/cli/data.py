"""The data in the database: files checked and loaded (`matchmaker data`), and counted (`stats`)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from matchmaker.cli.common import echo_figures
from matchmaker.extensions import db


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


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def stats_command(as_json: bool) -> None:
    """Counts of organisations, countries, users, needs, offers and exchanges."""
    from matchmaker.stats import summary

    echo_figures(summary(), as_json)
