"""Session time-outs, re-authentication before account changes, and security headers."""

from __future__ import annotations

import re

from sqlalchemy import select

from matchmaker.auth.sessions import SEEN_AT, SIGNED_IN_AT
from matchmaker.config import PROJECT_ROOT
from matchmaker.extensions import db
from models import OutboxMessage, User
from tests.factories import PASSWORD


def _age_session(client, **seconds: int) -> None:
    with client.session_transaction() as session:
        for key, delta in seconds.items():
            session[key] -= delta


def test_idle_session_is_signed_out(client, sign_in, make_user):
    sign_in(make_user(role="coordinator"))
    _age_session(client, **{SEEN_AT: 29 * 60})
    assert client.get("/dashboard").status_code == 200  # 29 minutes idle: still in
    _age_session(client, **{SEEN_AT: 31 * 60})
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "without activity" in client.get("/login").get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # the session stays ended


def test_activity_keeps_a_session_alive_but_not_beyond_the_maximum(client, sign_in, make_user):
    sign_in(make_user(role="coordinator"))
    _age_session(client, **{SIGNED_IN_AT: 11 * 3600, SEEN_AT: 20 * 60})
    assert client.get("/dashboard").status_code == 200
    with client.session_transaction() as session:
        assert session[SEEN_AT] > session[SIGNED_IN_AT] + 11 * 3600 - 60  # "seen" refreshed
    _age_session(client, **{SIGNED_IN_AT: 3601})  # over 12 h since sign-in
    assert client.get("/dashboard").status_code == 302
    assert "limited time" in client.get("/login").get_data(as_text=True)


def test_time_outs_follow_the_settings(app, client, sign_in, make_user):
    app.config["SESSION_IDLE_MINUTES"] = 5
    sign_in(make_user(role="coordinator"))
    _age_session(client, **{SEEN_AT: 6 * 60})
    assert client.get("/dashboard").status_code == 302


def test_email_change_needs_the_current_password(client, sign_in, make_user):
    user = make_user(role="coordinator", email="old@example.org")
    sign_in(user)
    wrong = client.post(
        "/account", data={"em-new_email": "new@example.org", "em-current_password": "nope"}
    )
    assert wrong.status_code == 200
    assert "current password is not correct" in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "old@example.org"

    right = client.post(
        "/account", data={"em-new_email": "New@Example.org", "em-current_password": PASSWORD}
    )
    assert right.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "new@example.org"
    warning = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == "old@example.org")
    )
    assert warning is not None and "was changed" in warning.body


def test_email_change_refuses_a_taken_or_invalid_address(client, sign_in, make_user):
    other = make_user(role="coordinator", email="taken@example.org")
    user = make_user(role="coordinator")
    sign_in(user)
    for address, message in (
        (other.email, "Another account uses this e-mail address."),
        ("not an address", "This e-mail address is not valid"),
    ):
        response = client.post(
            "/account", data={"em-new_email": address, "em-current_password": PASSWORD}
        )
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)


def test_security_headers_on_pages_api_and_errors(client):
    for path in ("/", "/login", "/no-such-page", "/api/v1/needs", "/healthz"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy, path
        assert "frame-ancestors 'none'" in policy, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        assert "Strict-Transport-Security" not in headers, path


def test_hsts_when_the_cookie_is_secure(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def test_no_template_has_inline_script_or_event_handlers():
    """The policy forbids inline scripts; a template relying on one would silently break."""
    offenders = []
    for template in (PROJECT_ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, SCRIPT_URL):
            offenders += [f"{template.name}: {m.group(0)[:60]}" for m in pattern.finditer(text)]
    assert offenders == []
