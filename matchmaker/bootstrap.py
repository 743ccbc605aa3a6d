"""First-start setup for `matchmaker init`: the demo world and one account per role."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from matchmaker.auth.services import create_user
from matchmaker.extensions import db
from matchmaker.profiles import organisations
from models import Organisation, User

DEMO_MEMBER_ORGANISATION = ("ZMB", "Ministry of Labour and Social Security")


def ensure_role_accounts(make_password: Callable[[], str]) -> list[tuple[str, str, str]]:
    """When there is no account at all, create an admin, a coordinator and a member.

    Returns (email, role, password) for each, so the caller can show the passwords once.
    """
    if db.session.scalar(select(func.count(User.id))):
        return []
    member_organisation = _demo_member_organisation()
    created = []
    for role, organisation in (
        ("admin", None),
        ("coordinator", None),
        ("member", member_organisation),
    ):
        email = f"{role}@matchmaker.example"
        password = make_password()
        create_user(
            email=email,
            password=password,
            display_name=f"Demo {role}",
            role=role,
            organisation=organisation,
        )
        created.append((email, role, password))
    return created


def _demo_member_organisation() -> Organisation:
    """The demo member speaks for the Zambian ministry of the reference case, when loaded."""
    country, name = DEMO_MEMBER_ORGANISATION
    organisation = organisations.find_by_name(country, name)
    if organisation is None:
        organisation = organisations.create_organisation(
            {
                "name": name,
                "country_code": country,
                "constituent_type": "government",
                "subtype": "ministry",
                "working_languages": ["en"],
                "description": "",
                "website": None,
            },
            verified=True,
        )
    return organisation


def load_demo_world() -> str:
    """Load data/demo if it changed since the last load; returns a one-line report."""
    from matchmaker.dataload import load_path

    path = Path(current_app.config["DATA_DIR"]) / "demo"
    if not path.exists():
        return "No demo data found in data/demo."
    report = load_path(path, dataset="demo", skip_unchanged=True)
    return report.summary()
