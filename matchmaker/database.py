"""Engine settings that make SQLite safe under concurrent writers, and schema helpers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import Flask, g, request
from sqlalchemy import Engine, event

from matchmaker.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
writes_expected: ContextVar[bool] = ContextVar("writes_expected", default=False)


def init_engine_events(app: Flask) -> None:
    """On SQLite: WAL, foreign keys, a busy timeout, and write transactions that begin IMMEDIATE.

    A request that may write (POST, PUT, PATCH, DELETE) takes the write lock at BEGIN, so
    concurrent writers queue on the busy timeout instead of one failing with "database is
    locked" when it upgrades a read to a write; reads stay DEFERRED and never block writers.
    """
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    _configure_sqlite(engine, int(app.config["SQLITE_BUSY_TIMEOUT_MS"]))

    @app.before_request
    def _declare_intent() -> None:
        g.writes_token = writes_expected.set(request.method not in SAFE_METHODS)

    @app.teardown_request
    def _forget_intent(_error: BaseException | None) -> None:
        token = g.pop("writes_token", None)
        if token is not None:
            writes_expected.reset(token)


@contextmanager
def writing() -> Iterator[None]:
    """Outside a request (a background job): the transactions begun inside take the write
    lock at BEGIN on SQLite, like a POST's. End the current transaction before entering."""
    token = writes_expected.set(True)
    try:
        yield
    finally:
        writes_expected.reset(token)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes_expected.get() else "BEGIN")
