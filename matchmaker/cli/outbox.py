"""`matchmaker outbox send`: the worker that delivers queued e-mails."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


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
