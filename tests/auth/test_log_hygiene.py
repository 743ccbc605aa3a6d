"""No password, token or cookie reaches a log line; security events are logged with ids."""

from __future__ import annotations

import logging
import re

from sqlalchemy import select

from matchmaker.extensions import db
from models import User
from tests.auth.test_register import NEW_PASSWORD, registration

CHANGED_PASSWORD = "Another passphrase for Lusaka 2028"
WRONG_PASSWORD = "Wrong guess for Lusaka 1999"


def _capture_everything(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("matchmaker", "werkzeug", "gunicorn", "flask_limiter", "flask_login"):
        caplog.set_level(logging.DEBUG, logger=name)
    # SQL statements at INFO (parameters are hidden by the engine options). Result rows at
    # DEBUG are the database's content, not a log the service ever turns on.
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")


def test_a_whole_account_lifecycle_leaves_no_secret_in_the_logs(client, caplog):
    _capture_everything(caplog)
    assert client.post("/register", data=registration()).status_code == 302
    client.post("/logout", data={})
    assert client.post(
        "/login", data={"email": "chanda@mlss.example.zm", "password": WRONG_PASSWORD}
    ).status_code == 200
    assert client.post(
        "/login", data={"email": "chanda@mlss.example.zm", "password": NEW_PASSWORD}
    ).status_code == 302
    cookie = client.get_cookie("session").value
    response = client.post(
        "/api/v1/auth/token", json={"email": "chanda@mlss.example.zm", "password": NEW_PASSWORD}
    )
    token = response.get_json()["token"]
    listed = client.get("/api/v1/needs", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    page = client.post("/account", data={"tok-name": "laptop"}).get_data(as_text=True)
    page_token = re.search(r'<code class="token">([^<]+)</code>', page).group(1)
    assert client.post(
        "/account",
        data={
            "pw-current_password": NEW_PASSWORD,
            "pw-new_password": CHANGED_PASSWORD,
            "pw-confirm": CHANGED_PASSWORD,
        },
    ).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "chanda@mlss.example.zm"))

    logged = caplog.text + "\n".join(record.getMessage() for record in caplog.records)
    assert "POST /login 302" in logged and "GET /api/v1/needs 200" in logged  # it did capture
    secrets = {
        "password": NEW_PASSWORD,
        "new password": CHANGED_PASSWORD,
        "wrong password": WRONG_PASSWORD,
        "API token": token,
        "account-page token": page_token,
        "session cookie": cookie,
        "session token": user.session_token,
        "password hash": user.password_hash,
    }
    leaked = [name for name, value in secrets.items() if value in logged]
    assert leaked == []


def test_sign_in_events_carry_the_user_id_and_request_id(client, caplog, make_user):
    caplog.set_level(logging.INFO, logger="matchmaker")
    user = make_user(role="coordinator")
    client.post("/login", data={"email": user.email, "password": WRONG_PASSWORD})
    client.post(
        "/login",
        data={"email": user.email, "password": "correct horse battery staple"},
        headers={"X-Request-ID": "sign-in-request-42"},
    )
    messages = [(r.getMessage(), getattr(r, "request_id", None)) for r in caplog.records]
    assert any(m.startswith("sign-in refused") for m, _ in messages)
    assert (f"user {user.id} signed in", "sign-in-request-42") in messages
    assert user.email not in caplog.text


def test_refused_permissions_are_logged(client, sign_in, make_user, make_organisation, caplog):
    caplog.set_level(logging.INFO, logger="matchmaker")
    member = make_user(make_organisation("Workers' Union"))
    sign_in(member)
    assert client.get("/coordination/verification").status_code == 403
    refusals = [r for r in caplog.records if r.getMessage().startswith("permission refused")]
    assert len(refusals) == 1
    assert f"user {member.id} on GET /coordination/verification" in refusals[0].getMessage()
    assert len(refusals[0].request_id) == 32
