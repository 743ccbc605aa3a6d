"""The JSON API: tokens, needs, offers, organisations, problem+json errors."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from matchmaker.auth.services import TOKEN_USE_RESOLUTION
from matchmaker.extensions import db
from models import ApiToken, Need
from models.base import as_utc, utcnow
from tests.factories import PASSWORD


def test_token_for_good_credentials(client, make_user):
    user = make_user(role="coordinator")
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 201
    token = response.get_json()["token"]
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash != token and len(stored.token_hash) == 64
    listing = client.get("/api/v1/needs", headers={"Authorization": f"Bearer {token}"})
    assert listing.status_code == 200


def test_bad_password_is_401_problem_json(client, make_user):
    user = make_user(role="coordinator")
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": "nope"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"]


def test_token_endpoint_is_rate_limited(client, make_user):
    user = make_user(role="coordinator")
    for _ in range(10):
        client.post("/api/v1/auth/token", json={"email": user.email, "password": "wrong"})
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"


def test_calls_without_token_are_401(client):
    for path in ("/api/v1/needs", "/api/v1/offers", "/api/v1/organisations", "/api/v1/needs/1"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/needs", headers={"Authorization": "Bearer junk"}).status_code == 401


def test_revoked_token_stops_working(client, make_user, api_token):
    user = make_user(role="coordinator")
    headers = api_token(user)
    assert client.get("/api/v1/needs", headers=headers).status_code == 200
    db.session.scalar(select(ApiToken)).revoked_at = func.now()
    db.session.commit()
    assert client.get("/api/v1/needs", headers=headers).status_code == 401


def test_a_read_records_the_tokens_use_at_most_every_few_minutes(client, make_user, api_token):
    headers = api_token(make_user(role="coordinator"))
    assert client.get("/api/v1/needs", headers=headers).status_code == 200  # a read: rolled back
    db.session.expire_all()
    token = db.session.scalar(select(ApiToken))
    first = as_utc(token.last_used_at)
    assert utcnow() - first < timedelta(minutes=1)
    assert client.get("/api/v1/needs", headers=headers).status_code == 200
    db.session.expire_all()
    assert as_utc(token.last_used_at) == first  # within the resolution: no write at all
    token.last_used_at = first - TOKEN_USE_RESOLUTION
    db.session.commit()
    assert client.get("/api/v1/needs", headers=headers).status_code == 200
    db.session.expire_all()
    assert as_utc(token.last_used_at) > first - TOKEN_USE_RESOLUTION


def test_create_need_answers_201_with_the_contract(client, make_organisation, make_user, api_token):
    organisation = make_organisation("Ministry of Labour and Social Security", "ZMB")
    headers = api_token(make_user(organisation))
    response = client.post(
        "/api/v1/needs",
        headers=headers,
        json={
            "title": "Employment promotion and enterprise development",
            "description": "Learn how peers link skills training to enterprise support.",
            "themes": ["employment_policy", "enterprise_development"],
            "modalities": ["study_visit"],
            "languages": ["en"],
            "status": "published",
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "published"
    assert body["themes"] == ["employment_policy", "enterprise_development"]
    assert body["organisation"] == {
        "id": organisation.id,
        "name": "Ministry of Labour and Social Security",
        "country": "ZMB",
    }
    assert (
        client.get(f"/api/v1/needs/{body['id']}", headers=headers).get_json()["title"]
        == "Employment promotion and enterprise development"
    )


def test_invalid_need_is_422_with_field_errors_and_writes_nothing(
    client, make_organisation, make_user, api_token
):
    headers = api_token(make_user(make_organisation()))
    response = client.post(
        "/api/v1/needs",
        headers=headers,
        json={
            "title": "",
            "description": "x",
            "themes": ["not_a_theme"],
            "modalities": ["tourism"],
            "start_date": "2027-13-01",
        },
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert set(errors) >= {"title", "themes", "modalities", "start_date"}
    assert db.session.scalar(select(func.count(Need.id))) == 0


def test_read_only_fields_are_refused(client, make_organisation, make_user, make_need, api_token):
    own = make_organisation()
    other = make_organisation()
    need = make_need(own, status="draft")
    headers = api_token(make_user(own))
    response = client.patch(
        f"/api/v1/needs/{need.id}",
        headers=headers,
        json={"organisation": {"id": other.id}, "id": 99},
    )
    assert response.status_code == 422
    assert "cannot be set" in response.get_json()["detail"]


def test_non_json_body_is_a_clear_415_or_400(client, make_organisation, make_user, api_token):
    headers = api_token(make_user(make_organisation()))
    response = client.post("/api/v1/needs", headers=headers, data="title=x")
    assert response.status_code == 415
    assert "Content-Type: application/json" in response.get_json()["detail"]
    broken = client.post(
        "/api/v1/needs", headers=headers, data="{", content_type="application/json"
    )
    assert broken.status_code == 400
    assert "not valid JSON" in broken.get_json()["detail"]


def test_member_cannot_patch_another_organisations_need(
    client, make_organisation, make_user, make_need, api_token
):
    owner = make_organisation("Owner ministry")
    published = make_need(owner, title="Published need")
    draft = make_need(owner, status="draft", title="Draft need")
    headers = api_token(make_user(make_organisation("Someone else")))
    refused = client.patch(
        f"/api/v1/needs/{published.id}", headers=headers, json={"title": "Hijacked"}
    )
    hidden = client.patch(f"/api/v1/needs/{draft.id}", headers=headers, json={"title": "Hijacked"})
    assert refused.status_code == 403
    assert hidden.status_code == 404
    db.session.expire_all()
    assert {n.title for n in db.session.scalars(select(Need))} == {"Published need", "Draft need"}


def test_owner_patches_and_publishes(client, make_organisation, make_user, make_offer, api_token):
    organisation = make_organisation()
    offer = make_offer(organisation, status="draft", title="Draft offer")
    headers = api_token(make_user(organisation))
    response = client.patch(
        f"/api/v1/offers/{offer.id}", headers=headers, json={"capacity": 4, "status": "published"}
    )
    assert response.status_code == 200
    assert response.get_json()["capacity"] == 4
    assert response.get_json()["status"] == "published"


def test_directory_listing_hides_drafts_of_others(
    client, make_organisation, make_user, make_offer, api_token
):
    owner = make_organisation()
    make_offer(owner, title="Public offer")
    make_offer(owner, status="draft", title="Secret draft")
    make_offer(make_organisation(verified=False), title="Unverified offer")
    member = api_token(make_user(make_organisation()))
    titles = {o["title"] for o in client.get("/api/v1/offers", headers=member).get_json()["offers"]}
    assert titles == {"Public offer"}
    staff = api_token(make_user(role="coordinator"))
    titles = {o["title"] for o in client.get("/api/v1/offers", headers=staff).get_json()["offers"]}
    assert titles == {"Public offer", "Secret draft", "Unverified offer"}


def test_only_coordinators_create_organisations(client, make_organisation, make_user, api_token):
    body = {
        "name": "Ghana Employers' Association",
        "country": "GHA",
        "constituent_type": "employers",
        "subtype": "employers_organisation",
        "working_languages": ["en"],
    }
    member = api_token(make_user(make_organisation()))
    assert client.post("/api/v1/organisations", headers=member, json=body).status_code == 403
    staff = api_token(make_user(role="coordinator"))
    created = client.post("/api/v1/organisations", headers=staff, json=body)
    assert created.status_code == 201
    assert created.get_json()["verified"] is True
    again = client.post("/api/v1/organisations", headers=staff, json=body)
    assert again.status_code == 422


def test_pagination_bounds_are_checked(client, make_user, api_token):
    headers = api_token(make_user(role="coordinator"))
    assert client.get("/api/v1/needs?per_page=500", headers=headers).status_code == 400
    assert client.get("/api/v1/needs?page=abc", headers=headers).status_code == 400
