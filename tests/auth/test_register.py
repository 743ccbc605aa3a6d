"""Self-registration, invitations and the verification queue."""

from __future__ import annotations

from sqlalchemy import func, select

from matchmaker.extensions import db
from models import Organisation, User, VerificationDecision
from tests.factories import PASSWORD

NEW_PASSWORD = "Lusaka peer learning 2027"


def registration(**overrides: str) -> dict[str, str]:
    data = {
        "display_name": "Chanda Mwila",
        "email": "chanda@mlss.example.zm",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
        "name": "Labour Department",
        "country": "ZMB",
        "constituent_type": "government",
        "subtype": "ministry",
        "working_languages": "en",
        "evidence": "Listed on the ministry's staff page.",
    }
    return {**data, **overrides}


def test_registration_creates_an_unverified_organisation_and_a_member(client):
    response = client.post("/register", data=registration())
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "chanda@mlss.example.zm"))
    assert user.role == "member"
    assert user.organisation.verification_status == "unverified"
    assert user.organisation.verification_evidence == "Listed on the ministry's staff page."
    assert "awaiting verification" in client.get("/dashboard").get_data(as_text=True)


def test_unverified_organisation_cannot_publish(client):
    client.post("/register", data=registration())
    response = client.post(
        "/needs/new",
        data={
            "title": "Skills levy design",
            "description": "How to design a training levy.",
            "text_language": "en",
            "status": "published",
        },
    )
    assert response.status_code == 200
    assert "awaiting verification" in response.get_data(as_text=True)
    draft = client.post(
        "/needs/new",
        data={
            "title": "Skills levy design",
            "description": "How to design a training levy.",
            "text_language": "en",
            "status": "draft",
        },
    )
    assert draft.status_code == 302


def test_registration_errors_are_shown_by_field_and_nothing_is_written(client):
    response = client.post(
        "/register", data=registration(password="short", confirm="short", country="XXX")
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "at least 12 characters" in body
    assert db.session.scalar(select(func.count(User.id))) == 0
    response = client.post("/register", data=registration(country="ATL"))
    assert "Unknown country" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Organisation.id))) == 0


def test_duplicate_email_is_refused_without_creating_an_organisation(client, make_user):
    make_user(role="admin", email="chanda@mlss.example.zm")
    response = client.post("/register", data=registration(email="Chanda@MLSS.example.zm"))
    assert "already exists" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Organisation.id))) == 0


def test_common_password_is_refused(client):
    response = client.post(
        "/register", data=registration(password="Password123456", confirm="Password123456")
    )
    assert "too common" in response.get_data(as_text=True)


def test_invitation_joins_the_existing_organisation(client, make_organisation, make_user):
    organisation = make_organisation("National Employment Authority", "KEN")
    coordinator = make_user(role="coordinator")
    client.post("/login", data={"email": coordinator.email, "password": PASSWORD})
    page = client.post(
        f"/coordination/organisations/{organisation.id}/invite",
        data={"email": "wanjiru@nea.example.ke"},
    ).get_data(as_text=True)
    code = page.split("invitation=")[1].split("<")[0].split('"')[0]
    client.post("/logout", data={})
    response = client.post(
        "/register",
        data=registration(
            email="wanjiru@nea.example.ke",
            invitation=code,
            name="",
            country="",
            constituent_type="",
        ),
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "wanjiru@nea.example.ke"))
    assert user.organisation_id == organisation.id
    client.post("/logout", data={})
    reuse = client.post(
        "/register",
        data=registration(email="wanjiru@nea.example.ke", invitation=code, name="", country=""),
    )
    assert "not valid any more" in reuse.get_data(as_text=True)


def test_invitation_is_bound_to_its_email(client, make_organisation, make_user):
    organisation = make_organisation(
        "Federation of Kenya Employers", "KEN", constituent_type="employers"
    )
    coordinator = make_user(role="coordinator")
    client.post("/login", data={"email": coordinator.email, "password": PASSWORD})
    page = client.post(
        f"/coordination/organisations/{organisation.id}/invite",
        data={"email": "invited@fke.example.ke"},
    ).get_data(as_text=True)
    code = page.split("invitation=")[1].split("<")[0].split('"')[0]
    client.post("/logout", data={})
    response = client.post(
        "/register", data=registration(email="intruder@example.org", invitation=code)
    )
    assert response.status_code == 200
    assert "sent to another e-mail address" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_coordinator_verifies_with_a_reason(client, make_organisation, make_user):
    organisation = make_organisation("New Union", "ZMB", verified=False, constituent_type="workers")
    coordinator = make_user(role="coordinator")
    client.post("/login", data={"email": coordinator.email, "password": PASSWORD})
    assert "New Union" in client.get("/coordination/verification").get_data(as_text=True)
    no_reason = client.post(
        f"/coordination/verification/{organisation.id}",
        data={"decision": "verified", "reason": " "},
    )
    assert no_reason.status_code == 302
    db.session.refresh(organisation)
    assert organisation.verification_status == "unverified"
    client.post(
        f"/coordination/verification/{organisation.id}",
        data={"decision": "verified", "reason": "Affiliation confirmed with ZCTU."},
    )
    db.session.refresh(organisation)
    assert organisation.verification_status == "verified"
    decision = db.session.scalar(select(VerificationDecision))
    assert decision.reason == "Affiliation confirmed with ZCTU."
    assert decision.decided_by_id == coordinator.id
    again = client.post(
        f"/coordination/verification/{organisation.id}",
        data={"decision": "rejected", "reason": "Second thoughts."},
    )
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(VerificationDecision.id))) == 1


def test_members_cannot_verify(client, make_organisation, make_user):
    pending = make_organisation("Pending Org", "ZMB", verified=False)
    member = make_user(make_organisation())
    client.post("/login", data={"email": member.email, "password": PASSWORD})
    assert client.get("/coordination/verification").status_code == 403
    response = client.post(
        f"/coordination/verification/{pending.id}",
        data={"decision": "verified", "reason": "I say so."},
    )
    assert response.status_code == 403
    db.session.refresh(pending)
    assert pending.verification_status == "unverified"
