"""Operating the database as a whole: `backup` and `restore`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from matchmaker.cli.common import fail
from matchmaker.errors import DomainError
from matchmaker.extensions import db


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
        fail(error)
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
        fail(error)
    click.echo(f"Restored from {path}. Run `matchmaker init` if it comes from an older version.")
