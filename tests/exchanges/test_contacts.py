"""Contact details: only coordinators and the counterparts of an exchange see e-mail addresses."""

from __future__ import annotations

import json

import pytest


def _email(exchange_world, who: str) -> str:
    return exchange_world["people"][who].email


def test_counterparts_see_each_other_once_proposed(
    client, sign_in, exchange_world, new_exchange, act
):
    exchange = new_exchange()
    kenya_email = _email(exchange_world, "kenya")
    requester_email = _email(exchange_world, "requester")
    sign_in(exchange_world["people"]["kenya"])
    draft_page = client.get(f"/exchanges/{exchange['id']}").get_data(as_text=True)
    assert requester_email not in draft_page  # a draft is not yet addressed to the provider
    assert act(exchange["id"], "requester", "propose", exchange["version"]).status_code == 200
    page = client.get(f"/exchanges/{exchange['id']}").get_data(as_text=True)
    assert requester_email in page and kenya_email in page
    assert _email(exchange_world, "south_africa") not in page  # not a party to this exchange


def test_coordinators_see_contacts_even_of_a_draft(client, sign_in, exchange_world, new_exchange):
    exchange = new_exchange()
    sign_in(exchange_world["people"]["coordinator"])
    page = client.get(f"/exchanges/{exchange['id']}").get_data(as_text=True)
    assert _email(exchange_world, "requester") in page and _email(exchange_world, "kenya") in page


def test_outsiders_never_see_contacts(client, sign_in, exchange_world, new_exchange, act):
    exchange = new_exchange()
    act(exchange["id"], "requester", "propose", exchange["version"])
    sign_in(exchange_world["people"]["outsider"])
    assert client.get(f"/exchanges/{exchange['id']}").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "outsider", "kenya"])
def test_public_pages_and_api_carry_no_member_addresses(client, sign_in, exchange_world, who):
    requester = exchange_world["need"].organisation
    emails = [person.email for person in exchange_world["people"].values()]
    if who != "anonymous":
        sign_in(exchange_world["people"][who])
    pages = [
        client.get(path).get_data(as_text=True)
        for path in (
            f"/organisations/{requester.id}",
            "/directory?kind=needs",
            "/directory?kind=offers",
            f"/needs/{exchange_world['need'].id}",
        )
    ]
    if who != "anonymous":
        headers = exchange_world["headers"][who]
        pages += [
            json.dumps(client.get(path, headers=headers).get_json())
            for path in (
                "/api/v1/organisations",
                f"/api/v1/organisations/{requester.id}",
                "/api/v1/needs",
                f"/api/v1/needs/{exchange_world['need'].id}",
                f"/api/v1/needs/{exchange_world['need'].id}/matches",
            )
        ]
    own = exchange_world["people"][who].email if who != "anonymous" else None
    leaked = {email for email in emails for page in pages if email in page and email != own}
    assert leaked == set()
