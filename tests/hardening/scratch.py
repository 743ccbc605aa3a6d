"""A scratch SQLite database with the schema and reference data, for tests that need a real
file shared by several threads or processes (the per-test database may be PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from matchmaker import create_app
from matchmaker.extensions import db
from models import Base


def scratch_config(database: Path, **extra: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "SECRET_KEY": "test-secret-key",
        "RATELIMIT_STORAGE_URI": "memory://",
        **extra,
    }


def scratch_app(database: Path, **extra: Any) -> Flask:
    return create_app(scratch_config(database, **extra))


def make_sqlite_database(database: Path) -> None:
    """Create the schema and load countries and themes into a fresh SQLite file."""
    from matchmaker.reference import sync_reference_data

    app = scratch_app(database)
    with app.app_context():
        Base.metadata.create_all(db.engine)
        sync_reference_data()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
