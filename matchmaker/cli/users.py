"""`matchmaker users`: accounts created and passwords reset by an operator."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from matchmaker.cli.common import fail, generated_password
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from models import User

PASSWORD_STDIN = click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input."
)


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
@PASSWORD_STDIN
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

    password = _new_password(password_stdin)
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
        fail(error)
    click.echo(
        f"Created {user.role} {user.email}" + (f" in {organisation.name}" if organisation else "")
    )
    _show_generated(password, password_stdin)


@users_group.command("set-password")
@click.option("--email", required=True)
@PASSWORD_STDIN
@with_appcontext
def users_set_password(email: str, password_stdin: bool) -> None:
    """Reset a password (ends the user's sessions)."""
    from matchmaker.auth.services import set_password

    user = db.session.scalar(select(User).where(User.email == email.strip().casefold()))
    if user is None:
        raise click.ClickException(f"No account with e-mail {email}.")
    password = _new_password(password_stdin)
    try:
        set_password(user, password)
        db.session.commit()
    except DomainError as error:
        fail(error)
    click.echo(f"Password changed for {user.email}.")
    _show_generated(password, password_stdin)


def _new_password(from_stdin: bool) -> str:
    """The operator's password from one line of standard input, or a generated one."""
    return sys.stdin.readline().rstrip("\r\n") if from_stdin else generated_password()


def _show_generated(password: str, from_stdin: bool) -> None:
    """Print a generated password, the only time anyone sees it; never echo a typed one."""
    if not from_stdin:
        click.echo(f"Password (shown once): {password}")
