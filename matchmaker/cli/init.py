"""Getting an instance going: `init` readies the database and accounts, `run` serves the app."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from matchmaker.cli.common import generated_password
from matchmaker.extensions import db
from matchmaker.server import DEFAULT_THREADS, DEFAULT_WORKERS


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
@click.option("--workers", default=DEFAULT_WORKERS, show_default=True, type=click.IntRange(1, 64))
@click.option("--threads", default=DEFAULT_THREADS, show_default=True, type=click.IntRange(1, 64))
def run_command(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the app with gunicorn (a production WSGI server)."""
    from matchmaker.server import serve

    click.echo(f"Matchmaker is serving on http://{host}:{port}/  (Ctrl+C to stop)")
    serve(host=host, port=port, workers=workers, threads=threads)
