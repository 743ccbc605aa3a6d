"""Every test gets its own database (SQLite file, or PostgreSQL when TEST_DATABASE_URL is set),
reference data loaded, CSRF on, and factory fixtures to build its world."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

from matchmaker import create_app
from matchmaker.extensions import db
from models import Base


def _worker_database_url() -> str | None:
    """TEST_DATABASE_URL, with one database per pytest-xdist worker (created on demand)."""
    url = os.environ.get("TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                    {"name": name}).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


TEST_DATABASE_URL = _worker_database_url()
REFERENCE_TABLES = ("countries", "themes")
CSRF_INPUT = re.compile(r'name="(?:[\w-]+-)?csrf_token"[^>]*value="([^"]+)"')


def _config(database_url: str, instance: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": "localhost",
    }


def _build_template(database_url: str, tmp: Path) -> None:
    """Schema and reference data, made once per test session. The schema comes from the models
    (faster than replaying migrations), stamped at the migrations' head, which it equals
    (tests/test_migrations.py checks that), so test databases are "ready" like a real one."""
    from flask_migrate import stamp

    from matchmaker.reference import sync_reference_data

    app = create_app(_config(database_url, tmp))
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        Base.metadata.create_all(db.engine)
        sync_reference_data()
        db.session.commit()
        stamp()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """For SQLite: a file to copy per test. For PostgreSQL: the URL, schema already made."""
    tmp = tmp_path_factory.mktemp("db")
    os.environ.setdefault("MATCHMAKER_INSTANCE_PATH", str(tmp / "instance"))
    if TEST_DATABASE_URL:
        _build_template(TEST_DATABASE_URL, tmp)
        return TEST_DATABASE_URL
    template = tmp / "template.db"
    _build_template(f"sqlite:///{template}", tmp)
    return str(template)


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> Iterator[str]:
    if TEST_DATABASE_URL:
        yield TEST_DATABASE_URL
        _truncate(TEST_DATABASE_URL)
        return
    target = tmp_path / "test.db"
    shutil.copy(database_template, target)
    yield f"sqlite:///{target}"


def _truncate(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    tables = [t.name for t in Base.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(_config(database_url, tmp_path))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


class CsrfClient(FlaskClient):
    """A test client that sends a valid CSRF token with every form POST, as a browser would."""

    def csrf_token(self) -> str:
        with self.application.app_context():
            page = super().open("/login").get_data(as_text=True)
        match = CSRF_INPUT.search(page)
        assert match, "no CSRF token on /login"
        return match.group(1)

    def open(self, *args: Any, **kwargs: Any) -> Any:
        csrf = kwargs.pop("csrf", True)
        method = kwargs.get("method", "GET")
        data = kwargs.get("data")
        if (
            csrf
            and method in ("POST", "PUT", "PATCH", "DELETE")
            and isinstance(data, dict)
            and "json" not in kwargs
            and "csrf_token" not in data
        ):
            kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        # End the test's own transaction, so it neither holds a lock nor reads a stale
        # snapshot afterwards; then a fresh app context per request, as in production: its own
        # g and database session, never the test's (which would hide stale state).
        if has_app_context():
            db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = CsrfClient
    return app.test_client()


@pytest.fixture(autouse=True)
def _fresh_reads(app: Flask) -> Iterator[None]:
    """The test's session sees what requests committed: it never holds stale rows."""
    yield
    db.session.rollback()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


from tests.factories import api_token, make_need, make_offer, make_organisation, make_user, sign_in  # noqa: E402,F401
