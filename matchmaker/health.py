"""/healthz (the process answers) and /readyz (database reachable, migrations current)."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from matchmaker.extensions import db, migrate

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    return {"status": "ok"}


@health.get("/readyz")
def readyz():
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        current_app.logger.warning("readiness: database unreachable: %s", type(error).__name__)
        return {"status": "unavailable", "database": "unreachable"}, 503
    expected = set(ScriptDirectory.from_config(migrate.get_config()).get_heads())
    if current != expected:
        return {
            "status": "unavailable",
            "database": "ok",
            "migrations": "pending",
            "current": sorted(current),
            "expected": sorted(expected),
        }, 503
    return {"status": "ok", "database": "ok", "migrations": sorted(current)}
