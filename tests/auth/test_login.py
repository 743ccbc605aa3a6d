"""Sign-in, sign-out, sessions, CSRF and rate limiting."""

from __future__ import annotations

from matchmaker.extensions import db
from tests.factories import PASSWORD


def test_login_without_csrf_token_is_refused(client, make_user):
    user = make_user(role="coordinator")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)


def test_login_then_dashboard(client, make_organisation, make_user):
    user = make_user(make_organisation("Ministry of Labour"))
    response = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
    assert "Ministry of Labour" in client.get("/dashboard").get_data(as_text=True)


def test_wrong_password_and_unknown_account_get_the_same_message(client, make_user):
    user = make_user(role="admin")
    wrong = client.post("/login", data={"email": user.email, "password": "not the password"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "x" * 12})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "E-mail or password not recognised." in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # still anonymous


def test_inactive_account_cannot_sign_in(client, make_user):
    user = make_user(role="coordinator", active=False)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200


def test_next_only_redirects_to_local_paths(client, make_user):
    user = make_user(role="coordinator")
    for target, expected in (
        ("/directory?kind=needs", "/directory?kind=needs"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example/", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
    ):
        response = client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "next": target}
        )
        assert response.headers["Location"].endswith(expected), target


def test_eleventh_failure_for_one_account_and_address_is_429(client, make_user):
    user = make_user(role="admin")
    for _ in range(10):
        response = client.post("/login", data={"email": user.email, "password": "wrong-password"})
        assert response.status_code == 200
    blocked = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    other = client.post(
        "/login", data={"email": "someone.else@example.org", "password": "wrong-password"}
    )
    assert other.status_code == 200  # the limit is per account and address


def test_successful_logins_do_not_count_towards_the_limit(client, make_user):
    user = make_user(role="admin")
    for _ in range(12):
        assert (
            client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code
            == 302
        )


def test_logout_ends_the_session_everywhere(app, client, make_user):
    user = make_user(role="coordinator")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    other_browser = app.test_client()
    with client.session_transaction() as session:
        stolen = dict(session)
    with other_browser.session_transaction() as session:
        session.update(stolen)
    assert other_browser.get("/dashboard").status_code == 200
    assert client.post("/logout", data={}).status_code == 302
    assert client.get("/dashboard").status_code == 302
    assert other_browser.get("/dashboard").status_code == 302  # the old cookie is dead too


def test_session_cookie_flags(client, make_user):
    user = make_user(role="coordinator")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_password_change_rotates_the_session(app, client, make_user):
    user = make_user(role="coordinator")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    other_browser = app.test_client()
    with client.session_transaction() as session:
        stolen = dict(session)
    with other_browser.session_transaction() as session:
        session.update(stolen)
    new_password = "a much longer passphrase 2026"
    response = client.post(
        "/account",
        data={
            "pw-current_password": PASSWORD,
            "pw-new_password": new_password,
            "pw-confirm": new_password,
        },
    )
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert other_browser.get("/dashboard").status_code == 302
    db.session.expire_all()
    assert client.post("/logout", data={}).status_code == 302
    assert (
        client.post("/login", data={"email": user.email, "password": new_password}).status_code
        == 302
    )


def test_password_change_refuses_weak_password(client, make_user):
    user = make_user(role="coordinator")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    response = client.post(
        "/account",
        data={
            "pw-current_password": PASSWORD,
            "pw-new_password": "password1234",
            "pw-confirm": "password1234",
        },
    )
    assert response.status_code == 200
    assert "too common" in response.get_data(as_text=True)
