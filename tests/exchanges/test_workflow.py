"""The brokering workflow through the API: the whole journey, refusals that change nothing,
and exactly one winner among concurrent approvals."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from matchmaker.exchanges.workflow import TRANSITIONS, Party, WorkflowError, plan
from matchmaker.extensions import db
from models import ExchangeEvent

EVALUATION = {
    "usefulness": 5,
    "results_achieved": "A youth employment plan drafted.",
    "will_apply": "Employer outreach by the employment service.",
    "principles": {
        "country_ownership": 5,
        "focus_on_results": 4,
        "inclusive_partnership": 4,
        "transparency_accountability": 5,
    },
}


def events(exchange_id: int) -> int:
    """Audit rows now: a fresh transaction, so SQLite's snapshot is not an old one."""
    db.session.commit()
    return db.session.scalar(
        select(func.count(ExchangeEvent.id)).where(ExchangeEvent.exchange_id == exchange_id)
    )


def test_full_journey_from_draft_to_closed(client, exchange_world, new_exchange, act):
    created = new_exchange(
        ("kenya", "south_africa"),
        start_date="2027-03-01",
        end_date="2027-03-10",
        budget_amount="12500",
        budget_currency="usd",
    )
    assert (created["state"], created["version"]) == ("draft", 1)
    eid = created["id"]
    steps = [
        ("requester", "propose", "proposed"),
        ("kenya", "accept", "proposed"),
        ("south_africa", "accept", "accepted"),
        ("coordinator", "review", "under_review"),
        ("coordinator", "approve", "approved"),
        ("requester", "schedule", "scheduled"),
        ("kenya", "start", "in_progress"),
        ("requester", "complete", "completed"),
    ]
    version = 1
    for who, action, state in steps:
        response = act(eid, who, action, version)
        assert response.status_code == 200, (action, response.get_json())
        assert response.get_json() == {"id": eid, "state": state, "version": version + 1}
        version += 1
    for who in ("requester", "kenya"):
        response = client.post(
            f"/api/v1/exchanges/{eid}/evaluations",
            json=EVALUATION,
            headers=exchange_world["headers"][who],
        )
        assert response.status_code == 201
        assert response.get_json()["exchange"]["state"] == "completed"
    last = client.post(
        f"/api/v1/exchanges/{eid}/evaluations",
        json=EVALUATION,
        headers=exchange_world["headers"]["south_africa"],
    )
    assert last.get_json()["exchange"]["state"] == "evaluated"
    version = last.get_json()["exchange"]["version"]
    assert act(eid, "coordinator", "close", version).get_json()["state"] == "closed"
    body = client.get(
        f"/api/v1/exchanges/{eid}", headers=exchange_world["headers"]["requester"]
    ).get_json()
    assert [h["action"] for h in body["history"]] == [
        "create",
        "propose",
        "accept",
        "accept",
        "review",
        "approve",
        "schedule",
        "start",
        "complete",
        "evaluate",
        "close",
    ]
    entry = body["history"][2]
    assert set(entry) == {"action", "from", "to", "actor", "organisation", "comment", "at"}
    assert (entry["from"], entry["to"], entry["actor"]) == ("proposed", "proposed", "Wanjiru")
    assert entry["organisation"] == "National Employment Authority"
    assert body["budget_amount"] == "12500.00" and body["budget_currency"] == "USD"
    assert body["allowed_actions"] == []


def test_disallowed_action_is_409_names_allowed_actions_and_writes_nothing(
    exchange_world, new_exchange, act
):
    eid = new_exchange()["id"]
    response = act(eid, "requester", "complete", 1)
    assert response.status_code == 409
    assert response.get_json()["allowed_actions"] == ["propose", "withdraw"]
    assert "draft" in response.get_json()["detail"]
    assert events(eid) == 1  # only the creation


def test_wrong_role_is_403_and_writes_nothing(exchange_world, new_exchange, act):
    eid = new_exchange()["id"]
    act(eid, "requester", "propose", 1)
    assert act(eid, "requester", "accept", 2).status_code == 403
    assert act(eid, "south_africa", "accept", 2).status_code == 404  # not a party: invisible
    assert act(eid, "coordinator", "accept", 2).status_code == 403
    assert act(eid, "kenya", "approve", 2).status_code == 403
    assert events(eid) == 2


def test_stale_version_is_409(exchange_world, new_exchange, act):
    eid = new_exchange()["id"]
    assert act(eid, "requester", "propose", 1).status_code == 200
    stale = act(eid, "requester", "withdraw", 1)
    assert stale.status_code == 409 and "version 2" in stale.get_json()["detail"]
    assert act(eid, "requester", "withdraw", "2").status_code == 422


def test_decline_reject_and_cancel_need_a_reason(exchange_world, new_exchange, act):
    eid = new_exchange()["id"]
    act(eid, "requester", "propose", 1)
    assert act(eid, "kenya", "decline", 2).status_code == 422
    declined = act(eid, "kenya", "decline", 2, "No capacity this year.")
    assert declined.get_json()["state"] == "declined"


def test_provider_answers_only_once(exchange_world, new_exchange, act):
    eid = new_exchange(("kenya", "south_africa"))["id"]
    act(eid, "requester", "propose", 1)
    assert act(eid, "kenya", "accept", 2).get_json()["state"] == "proposed"
    again = act(eid, "kenya", "accept", 3)
    assert again.status_code == 409 and "already answered" in again.get_json()["detail"]


def test_schedule_needs_dates(exchange_world, new_exchange, act):
    eid = new_exchange()["id"]
    for version, (who, action) in enumerate(
        [
            ("requester", "propose"),
            ("kenya", "accept"),
            ("coordinator", "review"),
            ("coordinator", "approve"),
        ],
        start=1,
    ):
        assert act(eid, who, action, version).status_code == 200
    assert act(eid, "requester", "schedule", 5).status_code == 422
    scheduled = act(eid, "requester", "schedule", 5, start_date="2027-05-01", end_date="2027-05-05")
    assert scheduled.get_json()["state"] == "scheduled"


def test_creation_is_validated(client, exchange_world):
    headers = exchange_world["headers"]
    need_id = exchange_world["need"].id
    bad = client.post(
        "/api/v1/exchanges",
        headers=headers["requester"],
        json={
            "need_id": need_id,
            "provider_organisation_ids": [],
            "modality": "holiday",
            "objectives": "",
            "state": "approved",
        },
    )
    assert bad.status_code == 422 and "state" in bad.get_json()["errors"]
    bad = client.post(
        "/api/v1/exchanges",
        headers=headers["requester"],
        json={
            "need_id": need_id,
            "provider_organisation_ids": [exchange_world["need"].organisation_id],
            "modality": "holiday",
            "objectives": "",
        },
    )
    assert set(bad.get_json()["errors"]) >= {"provider_organisation_ids", "modality", "objectives"}
    outsider = client.post(
        "/api/v1/exchanges",
        headers=headers["outsider"],
        json={
            "need_id": need_id,
            "provider_organisation_ids": [exchange_world["kenya"].id],
            "modality": "study_visit",
            "objectives": "x",
        },
    )
    assert outsider.status_code == 403


def test_sixteen_concurrent_approvals_give_one_winner(app, exchange_world, new_exchange, act):
    eid = new_exchange()["id"]
    for version, (who, action) in enumerate(
        [("requester", "propose"), ("kenya", "accept"), ("coordinator", "review")], start=1
    ):
        assert act(eid, who, action, version).status_code == 200
    before = events(eid)
    headers = exchange_world["headers"]["coordinator"]
    barrier = threading.Barrier(16)
    statuses: list[int] = []

    def approve() -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(
            f"/api/v1/exchanges/{eid}/transitions",
            headers=headers,
            json={"action": "approve", "version": 4},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=approve) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 15
    assert events(eid) == before + 1


def test_the_state_table_refuses_by_role_before_state():
    try:
        plan("approve", "draft", {Party.PROVIDER}, "")
    except WorkflowError as error:
        assert error.kind == "role"
    try:
        plan("approve", "draft", {Party.COORDINATOR}, "")
    except WorkflowError as error:
        assert error.kind == "state" and error.allowed == ["propose", "cancel"]
    assert {t.action for t in TRANSITIONS} >= {
        "propose",
        "accept",
        "decline",
        "review",
        "approve",
        "request_changes",
        "reject",
        "schedule",
        "start",
        "complete",
        "close",
        "withdraw",
        "cancel",
    }
