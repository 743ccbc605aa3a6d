"""schemathesis against the WSGI app, once per role: no 500, no response outside the schema.

Each role gets its own database and world for the whole module (one per role, not one per
example: the fuzzer's writes pile up, as they would on a real server). Fixed seed, 100
examples per operation, then the stateful run that follows the description's links
(create a need, read it, patch it, rank it; create an exchange, read it, move it).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from argon2 import PasswordHasher
from flask import Flask
from hypothesis import HealthCheck
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from matchmaker import create_app, security
from matchmaker.api.openapi import document
from matchmaker.auth.services import issue_api_token
from matchmaker.extensions import db
from matchmaker.security import new_token
from models import Exchange, ExchangeProvider, Need, Offer, Organisation, User
from tests.conftest import TEST_DATABASE_URL, _config

pytestmark = pytest.mark.skipif(
    bool(TEST_DATABASE_URL),
    reason="the fuzz run takes minutes: it runs once, on the SQLite pass",
)

ROLES = ("anonymous", "member", "coordinator", "admin")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SETTINGS = hypothesis.settings(
    max_examples=100,
    derandomize=True,  # the fixed seed: the same examples on every run
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
STATEFUL_SETTINGS = hypothesis.settings(SETTINGS, max_examples=50, stateful_step_count=6)


@dataclass
class Target:
    schema: schemathesis.BaseSchema
    headers: dict[str, str]
    app: Flask
    database: Path
    pristine: Path

    def reset(self) -> None:
        """Back to the starting world, so each stateful scenario replays the same way."""
        with self.app.app_context():
            db.engine.dispose()
        for suffix in ("-wal", "-shm"):
            self.database.with_name(self.database.name + suffix).unlink(missing_ok=True)
        shutil.copy(self.pristine, self.database)


def _organisation(name: str, country: str, *, verified: bool = True) -> Organisation:
    organisation = Organisation(
        name=name,
        name_key=name.casefold(),
        country_code=country,
        constituent_type="government",
        working_languages=["en"],
        verification_status="verified" if verified else "unverified",
    )
    db.session.add(organisation)
    return organisation


def _user(email: str, role: str, organisation: Organisation | None = None) -> User:
    user = User(
        email=email,
        password_hash=security.hash_password("fuzz password"),
        display_name=email.split("@")[0],
        role=role,
        organisation=organisation,
        session_token=new_token(),
    )
    db.session.add(user)
    return user


def _world() -> dict[str, User]:
    """Two verified organisations with records, one pending; an exchange between them."""
    own, other = _organisation("Ministry of Labour", "ZMB"), _organisation("Union", "KEN")
    _organisation("Pending organisation", "GHA", verified=False)
    for organisation, topic in ((own, "youth employment"), (other, "labour inspection")):
        for status in ("published", "draft"):
            for model in (Need, Offer):
                db.session.add(
                    model(
                        organisation=organisation,
                        title=f"{status} {model.__name__.lower()} on {topic}",
                        description=f"Peer learning on {topic}.",
                        status=status,
                    )
                )
    users = {
        "member": _user("member@example.org", "member", own),
        "coordinator": _user("coordinator@example.org", "coordinator"),
        "admin": _user("admin@example.org", "admin"),
    }
    db.session.flush()
    need = db.session.query(Need).filter_by(organisation=own, status="published").one()
    db.session.add(
        Exchange(
            need=need,
            title="Exchange",
            modality="study_visit",
            objectives="Learn.",
            providers=[ExchangeProvider(organisation=other)],
        )
    )
    return users


@pytest.fixture(scope="module")
def cheap_password_hashing() -> Iterator[None]:
    """Every token request spends one Argon2 verification: a light one keeps the run short."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(security, "_hasher", hasher)
        dummy = hasher.hash("dummy")
        patch.setattr(security, "_dummy_hash", lambda: dummy)
        yield


@pytest.fixture(scope="module", params=ROLES)
def target(
    request: pytest.FixtureRequest, database_template: str, tmp_path_factory, cheap_password_hashing
) -> Iterator[Target]:
    tmp: Path = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    shutil.copy(database_template, tmp / "fuzz.db")
    # thousands of requests: keep the request log out of the captured output
    app = create_app({**_config(f"sqlite:///{tmp / 'fuzz.db'}", tmp), "LOG_LEVEL": "WARNING"})
    with app.app_context():
        users = _world()
        headers = {}
        if request.param != "anonymous":
            token = issue_api_token(users[request.param], "fuzz", 1)
            headers = {"Authorization": f"Bearer {token}"}
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    shutil.copy(tmp / "fuzz.db", tmp / "pristine.db")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    yield Target(schema, headers, app, tmp / "fuzz.db", tmp / "pristine.db")
    with app.app_context():
        db.engine.dispose()


def _operations() -> list[tuple[str, str]]:
    return [(path, method) for path, item in document()["paths"].items() for method in item]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize(("path", "method"), _operations(), ids=lambda value: value)
def test_every_operation(target: Target, path: str, method: str, mode: GenerationMode) -> None:
    operation = target.schema[path][method.upper()]
    spec = document()["paths"][path][method]
    if mode is GenerationMode.NEGATIVE and not (spec.get("parameters") or spec.get("requestBody")):
        pytest.skip("no input to get wrong")

    @SETTINGS
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=target.headers, checks=CHECKS)

    fuzz()


def test_stateful(target: Target) -> None:
    target.reset()

    class Workflow(target.schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            target.reset()

        def get_call_kwargs(self, case):
            return {"headers": target.headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, headers=target.headers)

    Workflow.run(settings=STATEFUL_SETTINGS)
