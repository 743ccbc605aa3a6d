"""A brokered exchange world: a requester, two providers, a coordinator, and an API client."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def exchange_world(make_organisation, make_user, make_need, api_token) -> dict[str, Any]:
    requester = make_organisation("Ministry of Labour and Social Security", "ZMB")
    kenya = make_organisation("National Employment Authority", "KEN")
    south_africa = make_organisation("Department of Employment and Labour", "ZAF")
    need = make_need(requester, title="Employment promotion", themes=["employment_policy"])
    people = {
        "requester": make_user(requester, display_name="Chanda"),
        "kenya": make_user(kenya, display_name="Wanjiru"),
        "south_africa": make_user(south_africa, display_name="Thabo"),
        "coordinator": make_user(role="coordinator", display_name="Coordinator"),
        "outsider": make_user(make_organisation("Somebody else", "GHA")),
    }
    return {
        "need": need,
        "kenya": kenya,
        "south_africa": south_africa,
        "people": people,
        "headers": {name: api_token(user) for name, user in people.items()},
    }


@pytest.fixture
def new_exchange(client, exchange_world):
    def make(providers: tuple[str, ...] = ("kenya",), **extra: Any) -> dict[str, Any]:
        body = {
            "need_id": exchange_world["need"].id,
            "provider_organisation_ids": [exchange_world[p].id for p in providers],
            "modality": "study_visit",
            "objectives": "Learn how peers promote employment.",
            **extra,
        }
        response = client.post(
            "/api/v1/exchanges", json=body, headers=exchange_world["headers"]["requester"]
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


@pytest.fixture
def act(client, exchange_world):
    def do(exchange_id: int, who: str, action: str, version: int, comment: str = "", **extra: Any):
        return client.post(
            f"/api/v1/exchanges/{exchange_id}/transitions",
            json={"action": action, "version": version, "comment": comment, **extra},
            headers=exchange_world["headers"][who],
        )

    return do
