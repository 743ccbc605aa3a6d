"""Faults: the database goes away and comes back; the SMTP server is down then up; SQLite under
16 concurrent writers."""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from sqlalchemy import event, func, make_url, select
from werkzeug.serving import make_server

from matchmaker import create_app
from matchmaker.auth.services import issue_api_token
from matchmaker.exchanges.outbox import SmtpSettings, send_due
from matchmaker.extensions import db
from models import Need, OutboxMessage
from models.base import utcnow
from tests.conftest import TEST_DATABASE_URL, _config
from tests.factories import PASSWORD
from tests.hardening.scratch import make_sqlite_database, scratch_app

# --- database down -----------------------------------------------------------------------------


@contextmanager
def database_down(engine) -> Iterator[None]:
    """Every new connection fails as when the server is unreachable; pooled ones are dropped."""

    def refuse(*_args):
        raise engine.dialect.loaded_dbapi.OperationalError("connection refused (simulated)")

    engine.dispose()
    event.listen(engine, "do_connect", refuse)
    try:
        yield
    finally:
        event.remove(engine, "do_connect", refuse)


def _assert_unavailable(client, headers) -> None:
    page = client.get("/directory")
    assert page.status_code == 503
    assert page.mimetype == "text/html" and "temporarily unavailable" in page.get_data(as_text=True)
    api = client.get("/api/v1/needs", headers=headers)
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert "temporarily unavailable" in api.get_json()["detail"]


def test_database_down_gives_503_then_recovers(app, client, sign_in, make_user, make_organisation,
                                               make_need, api_token):
    organisation = make_organisation()
    make_need(organisation, title="Youth employment")
    user = make_user(organisation)
    headers = api_token(user)
    sign_in(user)  # a signed-in page loads the user and the unread count: both need the database
    token = client.csrf_token()
    with database_down(db.engine):
        _assert_unavailable(client, headers)
        form = client.post("/needs/new", data={"title": "x", "csrf_token": token})
        assert form.status_code == 503 and "temporarily unavailable" in form.get_data(as_text=True)
        assert app.test_client().get("/directory").status_code == 503  # anonymous too
    assert "Youth employment" in client.get("/directory").get_data(as_text=True)
    assert client.get("/api/v1/needs", headers=headers).get_json()["total"] == 1


class Relay:
    """A TCP relay to the PostgreSQL server that can be cut and restored like a network link."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.server: socket.socket | None = None
        self.links: list[socket.socket] = []

    def start(self) -> None:
        self.server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def stop(self) -> None:
        assert self.server is not None
        with suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self.server.close()
        for link in self.links:
            link.close()
        self.links.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                near, _ = server.accept()
            except OSError:
                return
            far = socket.create_connection(self.target)
            self.links += [near, far]
            for a, b in ((near, far), (far, near)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)


@pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgresql"),
    reason="a PostgreSQL outage needs TEST_DATABASE_URL=postgresql+psycopg://...",
)
def test_postgresql_link_cut_gives_503_then_recovers(app, client, make_user, make_organisation,
                                                     make_need, api_token, tmp_path):
    make_need(make_organisation(), title="Youth employment")
    headers = api_token(make_user(role="coordinator"))
    url = make_url(TEST_DATABASE_URL)
    relay = Relay((url.host or "127.0.0.1", url.port or 5432))
    relay.start()
    relayed = url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    other = create_app(_config(relayed, tmp_path))
    other.test_client_class = type(client)
    browser = other.test_client()
    with other.app_context():
        assert browser.get("/api/v1/needs", headers=headers).status_code == 200
        relay.stop()  # the server is gone: existing connections drop, new ones are refused
        _assert_unavailable(browser, headers)
        relay.start()
        assert browser.get("/api/v1/needs", headers=headers).get_json()["total"] == 1
        assert "Youth employment" in browser.get("/directory").get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()
    relay.stop()


# --- SMTP down, then back ----------------------------------------------------------------------


def test_outbox_keeps_retrying_until_the_smtp_server_is_back(app):
    from aiosmtpd.controller import Controller

    from tests.exchanges.test_notifications import Mailbox, free_port

    db.session.add(OutboxMessage(recipient="wanjiru@example.org", subject="Proposal", body="Hi"))
    db.session.commit()
    port = free_port()
    settings = SmtpSettings("127.0.0.1", port, "", "", False, "matchmaker@example.org")
    assert send_due(settings) == (0, 1)  # nobody listens: the message stays queued
    message = db.session.scalar(select(OutboxMessage))
    assert message.sent_at is None and message.attempts == 1
    message.next_attempt_at = utcnow()  # the backoff has elapsed
    db.session.commit()
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert send_due(settings) == (1, 0)
    finally:
        controller.stop()
    db.session.expire_all()
    assert db.session.scalar(select(OutboxMessage)).sent_at is not None
    assert [tos for tos, _ in mailbox.messages] == [["wanjiru@example.org"]]


# --- SQLite under concurrent writers ----------------------------------------------------------

WRITERS = 16
WRITES_EACH = 4


def test_sqlite_with_16_concurrent_writers_never_says_locked(app, tmp_path: Path):
    database = tmp_path / "writers.db"
    make_sqlite_database(database)
    served = scratch_app(database, SQLITE_BUSY_TIMEOUT_MS=15000)
    tokens = _writers(served)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    results: list[tuple[int, str]] = []
    start = threading.Barrier(WRITERS)

    def write(token: str) -> None:
        start.wait()
        for n in range(WRITES_EACH):
            body = json.dumps({"title": f"Need {n}", "description": "Concurrent write."})
            request = urllib.request.Request(  # noqa: S310 (loopback)
                f"{base}/api/v1/needs", data=body.encode(), method="POST",
                headers={"Authorization": f"Bearer {token}",
                         "Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                    results.append((response.status, ""))
            except urllib.error.HTTPError as error:
                results.append((error.code, error.read().decode()))

    threads = [threading.Thread(target=write, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    server.shutdown()
    assert len(results) == WRITERS * WRITES_EACH
    failures = [(status, body) for status, body in results if status != 201]
    assert not failures, failures[:3]
    assert not any("locked" in body for _, body in results)
    with served.app_context():
        assert db.session.scalar(select(func.count(Need.id))) == WRITERS * WRITES_EACH
        db.session.remove()
        db.engine.dispose()


def _writers(served) -> list[str]:
    """One member of its own organisation per writer, each with an API token."""
    from matchmaker.profiles.organisations import name_key
    from matchmaker.security import hash_password, new_token
    from models import Organisation, User

    tokens = []
    with served.app_context():
        password_hash = hash_password(PASSWORD)
        for n in range(WRITERS):
            organisation = Organisation(
                name=f"Writer {n}", name_key=name_key(f"Writer {n}"), country_code="KEN",
                constituent_type="government", working_languages=["en"],
                verification_status="verified",
            )
            user = User(email=f"writer{n}@example.org", password_hash=password_hash,
                        display_name=f"Writer {n}", role="member", organisation=organisation,
                        session_token=new_token())
            db.session.add_all([organisation, user])
            db.session.flush()
            tokens.append(issue_api_token(user, "writer", 1))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return tokens
