"""`matchmaker export`: the open-data files, written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from matchmaker.cli.common import fail
from matchmaker.errors import DomainError


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
    try:
        chunks = export(
            fmt,
            dataset,
            filters=Filters(),
            base_url=current_app.config["BASE_URL"],  # links point at the public site
            reporting_org=ReportingOrg.from_config(current_app.config),
        )
        with partial.open("w", encoding="utf-8", newline="") as file:
            for chunk in chunks:
                file.write(chunk)
    except DomainError as error:
        partial.unlink(missing_ok=True)
        fail(error)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, output)
    click.echo(f"Wrote {output} ({output.stat().st_size} bytes).")
