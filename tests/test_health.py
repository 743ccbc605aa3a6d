"""Liveness and readiness probes."""

from __future__ import annotations

from flask_migrate import stamp

from matchmaker.extensions import db


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_reports_pending_migrations_then_ready(app, client):
    pending = client.get("/readyz")
    assert pending.status_code == 503 and pending.get_json()["migrations"] == "pending"
    stamp()  # the test schema equals the models, which the migration test checks
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["migrations"] == ["0003"]
    db.session.remove()


def test_readyz_when_the_database_is_unreachable(app, client, monkeypatch):
    def broken(*args, **kwargs):
        from sqlalchemy.exc import OperationalError

        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.engine, "connect", broken)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["database"] == "unreachable"
