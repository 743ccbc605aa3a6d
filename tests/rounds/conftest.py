"""A small round world: two requesters, five providers (two in Kenya, one in the requester's
own country), four open needs, a coordinator and a member; helpers to drive the round pages."""

from __future__ import annotations

import re
from typing import Any

import pytest

from matchmaker.extensions import db
from models import Round

SKILLS = "Skills development, apprenticeships and vocational training for young people"


@pytest.fixture
def round_world(make_organisation, make_user, make_need, make_offer) -> dict[str, Any]:
    zambia = make_organisation("Ministry of Labour and Social Security", "ZMB")
    pakistan = make_organisation("Employees Social Security Institution", "PAK")
    providers = {
        "kenya_a": make_organisation("National Industrial Training Authority", "KEN"),
        "kenya_b": make_organisation("Federation of Kenya Employers", "KEN"),
        "south_africa": make_organisation("Department of Employment and Labour", "ZAF"),
        "malaysia": make_organisation("Human Resources Development Corporation", "MYS"),
        "zambia": make_organisation("Technical Education Authority", "ZMB"),
    }
    capacity = {"kenya_a": 1, "kenya_b": 2, "south_africa": 2, "malaysia": 2, "zambia": 5}
    for key, organisation in providers.items():
        make_offer(
            organisation,
            title=f"Apprenticeship and skills programme ({key})",
            description="Apprenticeships, vocational training and skills for young people.",
            themes=["skills_development", "apprenticeships"],
            capacity_per_year=capacity[key],
        )
    needs = [
        make_need(zambia, title=f"{SKILLS} {k}", description=SKILLS, themes=["skills_development"])
        for k in range(3)
    ] + [
        make_need(pakistan, title=SKILLS, description=SKILLS, themes=["skills_development"]),
    ]
    return {
        "requesters": {"zambia": zambia, "pakistan": pakistan},
        "providers": providers,
        "capacity": capacity,
        "needs": needs,
        "coordinator": make_user(role="coordinator", display_name="Coordinator"),
        "member": make_user(zambia, display_name="Chanda"),
    }


@pytest.fixture
def rounds_page(client, round_world, sign_in):
    """The coordinator signed in, and helpers to create and drive a round through its pages."""
    sign_in(round_world["coordinator"])

    def version(round_id: int) -> int:
        db.session.expire_all()
        return db.session.get(Round, round_id).version

    def create(**settings: Any) -> int:
        data = {
            "name": "Call 2027",
            "min_partners": "1",
            "max_partners": "2",
            "candidates": "50",
            "prefer_same_region": "y",
            **settings,
        }
        response = client.post("/rounds/new", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return int(re.search(r"/rounds/(\d+)", response.headers["Location"]).group(1))

    def post(round_id: int, action: str, **data: Any):
        return client.post(
            f"/rounds/{round_id}/{action}", data={"version": str(version(round_id)), **data}
        )

    def solve(round_id: int) -> Round:
        response = post(round_id, "solve")
        assert response.status_code == 302
        db.session.expire_all()
        round_ = db.session.get(Round, round_id)
        assert round_.status == "solved", client.get(f"/rounds/{round_id}").get_data(as_text=True)
        return round_

    return {"create": create, "post": post, "solve": solve, "client": client}
