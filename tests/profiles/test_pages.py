"""Pages for profiles, needs, offers and the directory."""

from __future__ import annotations

from sqlalchemy import select

from matchmaker.extensions import db
from models import Need, Offer


def test_member_creates_publishes_and_finds_a_need_in_the_directory(
    client, sign_in, make_organisation, make_user
):
    organisation = make_organisation("Ministry of Labour and Social Security", "ZMB")
    sign_in(make_user(organisation))
    response = client.post(
        "/needs/new",
        data={
            "title": "Employment injury insurance for informal workers",
            "description": "We want to extend employment injury cover to informal workers.",
            "text_language": "en",
            "themes": ["employment_injury", "informal_economy"],
            "modalities": ["study_visit"],
            "languages": "en, fr",
            "status": "draft",
            "start_date": "2027-03-01",
            "end_date": "2027-12-31",
        },
    )
    assert response.status_code == 302
    need = db.session.scalar(select(Need))
    assert need.status == "draft" and need.languages == ["en", "fr"]
    assert [t.code for t in need.themes] == ["employment_injury", "informal_economy"]
    anonymous = client.application.test_client()
    assert "Employment injury insurance" not in anonymous.get("/directory?kind=needs").get_data(
        as_text=True
    )
    client.post(f"/needs/{need.id}/status", data={"status": "published"})
    page = anonymous.get("/directory?kind=needs&q=informal").get_data(as_text=True)
    assert "Employment injury insurance for informal workers" in page
    assert "Employment injury insurance" not in anonymous.get(
        "/directory?kind=needs&country=KEN"
    ).get_data(as_text=True)
    assert "Employment injury insurance" in anonymous.get(
        "/directory?kind=needs&region=africa&theme=employment_injury"
    ).get_data(as_text=True)


def test_offer_validation_errors_are_shown_next_to_fields(
    client, sign_in, make_organisation, make_user
):
    sign_in(make_user(make_organisation()))
    response = client.post(
        "/offers/new",
        data={
            "title": "",
            "description": "Something",
            "text_language": "english",
            "languages": "en",
            "capacity": "7",
            "status": "draft",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="title-error"' in body
    assert 'id="text_language-error"' in body
    assert db.session.scalar(select(Offer)) is None


def test_end_before_start_is_refused(client, sign_in, make_organisation, make_user):
    sign_in(make_user(make_organisation()))
    response = client.post(
        "/needs/new",
        data={
            "title": "Backwards",
            "description": "Dates reversed.",
            "text_language": "en",
            "status": "draft",
            "start_date": "2027-12-01",
            "end_date": "2027-01-01",
        },
    )
    assert "must not be before" in response.get_data(
        as_text=True
    ) or "on or after" in response.get_data(as_text=True)
    assert db.session.scalar(select(Need)) is None


def test_member_cannot_edit_another_organisations_offer(
    client, sign_in, make_organisation, make_user, make_offer
):
    offer = make_offer(make_organisation("Provider"), title="Skills levy")
    sign_in(make_user(make_organisation("Intruder")))
    assert client.get(f"/offers/{offer.id}/edit").status_code == 403
    response = client.post(
        f"/offers/{offer.id}/edit",
        data={
            "title": "Changed",
            "description": "Changed",
            "text_language": "en",
            "status": "closed",
        },
    )
    assert response.status_code == 403
    assert client.post(f"/offers/{offer.id}/status", data={"status": "closed"}).status_code == 403
    db.session.refresh(offer)
    assert (offer.title, offer.status) == ("Skills levy", "published")


def test_drafts_are_hidden_from_other_members_but_seen_by_coordinators(
    client, sign_in, make_organisation, make_user, make_offer
):
    offer = make_offer(make_organisation("Provider"), status="draft")
    sign_in(make_user(make_organisation("Other")))
    assert client.get(f"/offers/{offer.id}").status_code == 404
    client.post("/logout", data={})
    sign_in(make_user(role="coordinator"))
    assert client.get(f"/offers/{offer.id}").status_code == 200


def test_profile_edit_by_member(client, sign_in, make_organisation, make_user):
    organisation = make_organisation("Federation of Kenya Employers", constituent_type="employers")
    sign_in(make_user(organisation))
    response = client.post(
        f"/organisations/{organisation.id}/edit",
        data={
            "subtype": "employers_organisation",
            "website": "not a url",
            "working_languages": "en, sw",
            "description": "Kenya's employers.",
        },
    )
    assert "full web address" in response.get_data(as_text=True)
    response = client.post(
        f"/organisations/{organisation.id}/edit",
        data={
            "subtype": "employers_organisation",
            "website": "https://www.fke-kenya.org",
            "working_languages": "en, sw",
            "description": "Kenya's employers.",
        },
    )
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.working_languages == ["en", "sw"]


def test_unverified_organisation_profile_is_hidden_from_the_public(client, make_organisation):
    organisation = make_organisation("Unverified", verified=False)
    assert client.get(f"/organisations/{organisation.id}").status_code == 404


def test_friendly_404_and_no_traceback(client):
    response = client.get("/needs/999999")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)
    assert "could not find" in client.get("/nope").get_data(as_text=True)


def test_pagination_in_directory(client, make_organisation, make_offer):
    organisation = make_organisation()
    for number in range(25):
        make_offer(organisation, title=f"Offer {number:02d}")
    first = client.get("/directory?kind=offers").get_data(as_text=True)
    assert "Page 1 of 2" in first and "25 offers found" in first
    second = client.get("/directory?kind=offers&page=2").get_data(as_text=True)
    assert second.count('class="card"') == 5
