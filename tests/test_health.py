"""Liveness and readiness probes."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from flask_migrate import stamp
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from matchmaker.extensions import db, migrate


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_ready_then_pending_migrations_then_ready_again(app, client):
    heads = sorted(ScriptDirectory.from_config(migrate.get_config()).get_heads())
    assert len(heads) == 1, f"the migrations must have one head, not {heads}"
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["migrations"] == heads
    db.session.execute(text("DELETE FROM alembic_version"))
    db.session.commit()
    pending = client.get("/readyz")
    assert pending.status_code == 503
    assert pending.get_json()["migrations"] == "pending"
    assert pending.get_json()["expected"] == heads
    stamp()  # puts the row back, for the databases that outlive one test (PostgreSQL)
    assert client.get("/readyz").status_code == 200


def test_readyz_when_the_database_is_unreachable(app, client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.engine, "connect", broken)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["database"] == "unreachable"
