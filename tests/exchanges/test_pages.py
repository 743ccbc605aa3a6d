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


def test_full_journey_in_the_pages(app, client, sign_in, exchange_world):
    people = exchange_world["people"]

    def as_user(name: str):
        client.post("/logout", data={})
        sign_in(people[name])

    def step(eid: int, action: str, **extra: str) -> str:
        version = db.session.get(Exchange, eid).version
        response = client.post(f"/exchanges/{eid}/transitions",
                               data={"action": action, "version": str(version), **extra})
        db.session.expire_all()
        return client.get(response.headers["Location"]).get_data(as_text=True)

    as_user("requester")
    created = client.post("/exchanges/new", data={
        "need_id": exchange_world["need"].id,
        "provider_organisation_ids": [exchange_world["kenya"].id],
        "modality": "peer_review", "objectives": "Learn from Kenya."})
    eid = int(created.headers["Location"].rsplit("/", 1)[1])
    assert "now proposed" in step(eid, "propose")
    as_user("kenya")
    assert "now accepted" in step(eid, "accept")
    as_user("coordinator")
    assert "now under review" in step(eid, "review")
    assert "now approved" in step(eid, "approve")
    assert "now scheduled" in step(eid, "schedule", start_date="2027-04-01",
                                   end_date="2027-04-03")
    assert "now in progress" in step(eid, "start")
    assert "now completed" in step(eid, "complete")
    evaluation = {"usefulness": "4", "results_achieved": "Plan drafted.",
                  "will_apply": "Job fairs.", "country_ownership": "5", "focus_on_results": "4",
                  "inclusive_partnership": "4", "transparency_accountability": "5"}
    for name in ("requester", "kenya"):
        as_user(name)
        response = client.post(f"/exchanges/{eid}/evaluations", data=evaluation)
        assert "evaluation is recorded" in client.get(response.headers["Location"]).get_data(
            as_text=True)
    as_user("coordinator")
    page = step(eid, "close")
    assert "now closed" in page and "Plan drafted." in page
    db.session.expire_all()
    exchange = db.session.get(Exchange, eid)
    assert exchange.state == "closed" and len(exchange.events) == 10  # create + 9 steps
