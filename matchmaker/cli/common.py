"""What several commands share: how a refused operation ends, new passwords, plain figures."""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Mapping
from typing import Any, NoReturn

import click

from matchmaker.errors import DomainError
from matchmaker.extensions import db


def fail(error: DomainError) -> NoReturn:
    """Undo the command's writes and exit 1 with the service's message and field problems."""
    db.session.rollback()
    fields = "".join(f"\n  {name}: {message}" for name, message in error.fields.items())
    raise click.ClickException(f"{error.message}{fields}")


def generated_password() -> str:
    """Four groups of six letters and digits: strong, and easy to copy from a terminal."""
    alphabet = string.ascii_letters + string.digits
    return "-".join("".join(secrets.choice(alphabet) for _ in range(6)) for _ in range(4))


def echo_figures(figures: Mapping[str, Any], as_json: bool, *, ensure_ascii: bool = True) -> None:
    """Print a report as indented JSON, or as one `key: value` line per figure."""
    if as_json:
        click.echo(json.dumps(figures, indent=2, ensure_ascii=ensure_ascii))
        return
    for key, value in figures.items():
        click.echo(f"{key}: {value}")
