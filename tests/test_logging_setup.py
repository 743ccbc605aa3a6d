"""Request ids: honoured or generated, returned, and on every log line; JSON lines on demand."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.logging_setup import _Handler
from tests.conftest import _config

GENERATED = re.compile(r"[0-9a-f]{32}")


def test_a_sane_incoming_request_id_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c12-0001"})
    assert response.headers["X-Request-ID"] == "lb-7f3a9c12-0001"


@pytest.mark.parametrize(
    "incoming", ["", "short", "x" * 65, "has spaces", "semi;colon-value", "<script>x</script>"]
)
def test_anything_else_gets_a_fresh_id(client, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming} if incoming else {})
    assert GENERATED.fullmatch(response.headers["X-Request-ID"])


def test_every_line_logged_during_a_request_carries_its_id(client, caplog, make_user):
    caplog.set_level(logging.INFO, logger="matchmaker")
    user = make_user(role="coordinator")
    response = client.post(
        "/login",
        data={"email": user.email, "password": "correct horse battery staple"},
        headers={"X-Request-ID": "req-login-000001"},
    )
    assert response.headers["X-Request-ID"] == "req-login-000001"
    ids = {
        record.getMessage().split(" ", 2)[1]: record.request_id
        for record in caplog.records
        if record.getMessage().startswith(("POST /login", "user "))
    }
    assert ids == {"/login": "req-login-000001", str(user.id): "req-login-000001"}


def test_distinct_requests_get_distinct_ids(client):
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5


def test_json_lines_when_asked(database_url, tmp_path):
    app = create_app({**_config(database_url, tmp_path), "LOG_FORMAT": "json"})
    handler = next(h for h in logging.getLogger("matchmaker").handlers if isinstance(h, _Handler))
    stream = io.StringIO()
    handler.setStream(stream)
    try:
        with app.app_context():
            response = app.test_client().get("/healthz", headers={"X-Request-ID": "json-req-0001"})
            db.session.remove()
            db.engine.dispose()
    finally:
        handler.setStream(io.StringIO())
    assert response.status_code == 200
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    request_line = next(line for line in lines if line["logger"] == "matchmaker.requests")
    assert request_line["request_id"] == "json-req-0001"
    assert request_line["message"].startswith("GET /healthz 200")
    assert request_line["level"] == "INFO"


def test_query_strings_are_not_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="matchmaker")
    client.get("/register?invitation=secret-invitation-code")
    assert "secret-invitation-code" not in caplog.text
    assert any(r.getMessage().startswith("GET /register 200") for r in caplog.records)
