"""Exchange pages: propose from the match list, only the allowed actions, timeline, inbox."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from matchmaker.extensions import db
from models import Exchange
from models.base import utcnow


def test_propose_form_is_prefilled_and_creates_a_draft(client, sign_in, exchange_world):
    sign_in(exchange_world["people"]["requester"])
    need, kenya = exchange_world["need"], exchange_world["kenya"]
    page = client.get(f"/exchanges/new?need_id={need.id}&provider={kenya.id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "National Employment Authority" in body
    response = client.post(
        "/exchanges/new",
        data={
            "need_id": need.id,
            "provider_organisation_ids": [kenya.id],
            "modality": "study_visit",
            "objectives": "Learn",
            "title": "Visit to Nairobi",
        },
    )
    assert response.status_code == 302
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Visit to Nairobi" in detail and "Propose to the providers" in detail


def test_invalid_proposal_shows_errors_by_field(client, sign_in, exchange_world):
    sign_in(exchange_world["people"]["requester"])
    need = exchange_world["need"]
    body = client.post(
        "/exchanges/new", data={"need_id": need.id, "modality": "", "objectives": ""}
    ).get_data(as_text=True)
    assert 'id="modality-error"' in body and 'id="provider_organisation_ids-error"' in body


def test_page_offers_only_the_actions_of_this_user(
    client, sign_in, exchange_world, new_exchange, act
):
    eid = new_exchange()["id"]
    act(eid, "requester", "propose", 1)
    sign_in(exchange_world["people"]["kenya"])
    page = client.get(f"/exchanges/{eid}").get_data(as_text=True)
    assert 'value="accept"' in page and 'value="decline"' in page
    assert 'value="approve"' not in page and 'value="withdraw"' not in page
    response = client.post(
        f"/exchanges/{eid}/transitions", data={"action": "accept", "version": "2"}
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "the exchange is now accepted" in page
    assert "Wanjiru" in page  # in the timeline
    stale = client.post(f"/exchanges/{eid}/transitions", data={"action": "accept", "version": "2"})
    assert "already answered" in client.get(stale.headers["Location"]).get_data(as_text=True)


def test_outsiders_do_not_see_an_exchange(client, sign_in, exchange_world, new_exchange):
    eid = new_exchange()["id"]
    sign_in(exchange_world["people"]["outsider"])
    assert client.get(f"/exchanges/{eid}").status_code == 404


def test_inbox_marks_overdue_proposals(client, sign_in, exchange_world, new_exchange, act):
    eid = new_exchange()["id"]
    act(eid, "requester", "propose", 1)
    db.session.execute(
        update(Exchange).where(Exchange.id == eid).values(updated_at=utcnow() - timedelta(days=20))
    )
    db.session.commit()
    sign_in(exchange_world["people"]["coordinator"])
    page = client.get("/coordination/inbox").get_data(as_text=True)
    assert "overdue" in page and "providers" in page
    assert "overdue" not in client.get("/coordination/inbox?region=americas").get_data(as_text=True)
    assert "Employment promotion" in client.get(
        "/coordination/inbox?theme=employment_policy&age=15"
    ).get_data(as_text=True)
