"""Factory fixtures: each test builds just the world it needs."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from flask.testing import FlaskClient

from matchmaker.auth.services import issue_api_token
from matchmaker.extensions import db
from matchmaker.profiles.organisations import name_key
from matchmaker.security import hash_password, new_token
from models import Need, Offer, Organisation, Theme, User

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)  # one Argon2 hash for the whole run keeps tests quick


@pytest.fixture
def make_organisation() -> Callable[..., Organisation]:
    def make(
        name: str | None = None,
        country: str = "KEN",
        *,
        verified: bool = True,
        constituent_type: str = "government",
        **fields: Any,
    ) -> Organisation:
        name = name or f"Organisation {next(_counter)}"
        organisation = Organisation(
            name=name,
            name_key=name_key(name),
            country_code=country,
            constituent_type=constituent_type,
            working_languages=["en"],
            verification_status="verified" if verified else "unverified",
            **fields,
        )
        db.session.add(organisation)
        db.session.commit()
        return organisation

    return make


@pytest.fixture
def make_user() -> Callable[..., User]:
    def make(
        organisation: Organisation | None = None,
        role: str = "member",
        email: str | None = None,
        **fields: Any,
    ) -> User:
        user = User(
            email=email or f"user{next(_counter)}@example.org",
            password_hash=_password_hash(),
            display_name=fields.pop("display_name", "Test user"),
            role=role,
            organisation=organisation,
            session_token=new_token(),
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


def _entry(
    model: type[Any], organisation: Organisation, status: str, themes: list[str], **fields: Any
) -> Any:
    entry = model(
        organisation=organisation,
        title=fields.pop("title", f"Entry {next(_counter)}"),
        description=fields.pop("description", "A description."),
        status=status,
        themes=[db.session.get(Theme, code) for code in themes],
        **fields,
    )
    db.session.add(entry)
    db.session.commit()
    return entry


@pytest.fixture
def make_need() -> Callable[..., Need]:
    def make(
        organisation: Organisation,
        status: str = "published",
        themes: list[str] | None = None,
        **fields: Any,
    ) -> Need:
        return _entry(Need, organisation, status, themes or [], **fields)

    return make


@pytest.fixture
def make_offer() -> Callable[..., Offer]:
    def make(
        organisation: Organisation,
        status: str = "published",
        themes: list[str] | None = None,
        **fields: Any,
    ) -> Offer:
        return _entry(Offer, organisation, status, themes or [], **fields)

    return make


@pytest.fixture
def sign_in(client: FlaskClient) -> Callable[[User], FlaskClient]:
    def do(user: User) -> FlaskClient:
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return do


@pytest.fixture
def api_token() -> Callable[[User], dict[str, str]]:
    def make(user: User) -> dict[str, str]:
        token = issue_api_token(user, "test", 30)
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make
