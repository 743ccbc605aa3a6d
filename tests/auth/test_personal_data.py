"""A person downloads their own data, and deletes their account (erasure, audit pseudonym)."""

from __future__ import annotations

from sqlalchemy import func, select

from matchmaker.auth.personal_data import ERASED_DOMAIN, NO_HASH
from matchmaker.extensions import db
from models import ApiToken, Exchange, ExchangeEvent, Notification, OutboxMessage, User
from tests.factories import PASSWORD


def _world(make_organisation, make_user, make_need):
    requester = make_organisation("Ministry of Labour", "ZMB")
    amina = make_user(requester, display_name="Amina Banda", email="amina@example.zm")
    other = make_user(make_organisation("Union", "KEN"), display_name="Otieno", email="o@ke.org")
    exchange = Exchange(
        need_id=make_need(requester).id, title="Study visit", modality="study_visit"
    )
    db.session.add(exchange)
    db.session.flush()
    for actor, action in ((amina, "propose"), (other, "accept")):
        db.session.add(
            ExchangeEvent(
                exchange_id=exchange.id, action=action, from_state="draft", to_state="proposed",
                actor_id=actor.id, actor_name=actor.display_name, actor_role=actor.role,
                comment=f"{action} comment",
            )
        )
    db.session.add_all(
        [
            Notification(user_id=amina.id, exchange_id=exchange.id, message="Otieno: accept — x"),
            Notification(
                user_id=other.id, exchange_id=exchange.id, message="Amina Banda: propose — x"
            ),
            OutboxMessage(recipient=amina.email, subject="s", body="Hello Amina Banda"),
        ]
    )
    db.session.commit()
    return amina, other, exchange


def test_download_holds_my_data_and_nobody_else_s(
    client, sign_in, make_organisation, make_user, make_need
):
    amina, other, _exchange = _world(make_organisation, make_user, make_need)
    sign_in(amina)
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = response.get_json()
    assert data["user"]["email"] == "amina@example.zm"
    assert data["memberships"][0]["organisation"] == "Ministry of Labour"
    assert [n["message"] for n in data["notifications"]] == ["Otieno: accept — x"]
    assert [e["action"] for e in data["audit_events"]] == ["propose"]
    text = response.get_data(as_text=True)
    assert "o@ke.org" not in text and "accept comment" not in text
    assert "password" not in text.replace("password_changed_at", "")
    assert "Download your data" in client.get("/account").get_data(as_text=True)


def test_deleting_an_account_erases_contacts_and_keeps_a_pseudonymous_trail(
    app, client, sign_in, make_organisation, make_user, make_need, api_token
):
    amina, other, exchange = _world(make_organisation, make_user, make_need)
    headers = api_token(amina)
    sign_in(amina)
    other_browser = app.test_client()
    with client.session_transaction() as session:
        stolen = dict(session)
    with other_browser.session_transaction() as session:
        session.update(stolen)

    wrong = client.post("/account/delete", data={"current_password": "not my password"})
    assert wrong.status_code == 200 and "not correct" in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, amina.id).email == "amina@example.zm"

    response = client.post("/account/delete", data={"current_password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, amina.id)
    assert user.email.endswith(f"@{ERASED_DOMAIN}") and "amina" not in user.email
    assert user.display_name.startswith("Former user ")
    assert user.password_hash == NO_HASH and not user.active
    assert db.session.scalar(select(func.count()).where(ApiToken.user_id == user.id)) == 0
    assert db.session.scalar(select(func.count()).where(Notification.user_id == user.id)) == 0
    events = {e.action: e.actor_name for e in db.session.scalars(select(ExchangeEvent))}
    assert events == {"propose": user.display_name, "accept": "Otieno"}
    others = select(Notification.message).where(Notification.user_id == other.id)
    assert list(db.session.scalars(others)) == [f"{user.display_name}: propose — x"]
    assert db.session.scalar(
        select(func.count()).where(OutboxMessage.recipient == "amina@example.zm")
    ) == 0
    # Signed out everywhere; the password and the API token no longer open anything.
    assert client.get("/dashboard").status_code == 302
    assert other_browser.get("/dashboard").status_code == 302
    login = client.post("/login", data={"email": "amina@example.zm", "password": PASSWORD})
    assert login.status_code == 200
    assert client.get("/api/v1/needs", headers=headers).status_code == 401
    sign_in(make_user(role="coordinator"))
    page = client.get(f"/exchanges/{exchange.id}").get_data(as_text=True)
    assert user.display_name in page and "Amina" not in page and "amina@" not in page


def test_the_last_admin_cannot_delete_themselves(client, sign_in, make_user):
    admin = make_user(role="admin")
    sign_in(admin)
    response = client.post("/account/delete", data={"current_password": PASSWORD})
    assert response.status_code == 200
    assert "last administrator" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).active

    make_user(role="admin")
    assert client.post("/account/delete", data={"current_password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, admin.id).active


def test_delete_page_needs_a_sign_in_and_explains(client, sign_in, make_user):
    assert client.get("/account/delete").status_code == 302
    sign_in(make_user(role="coordinator"))
    page = client.get("/account/delete").get_data(as_text=True)
    assert "cannot be undone" in page and "pseudonym" in page
