"""Matches in the app: the API contract, the need page, permissions, and the reference cases
of the demo world (Zambia learning from Kenya and South Africa; Pakistan from Malaysia and
Thailand)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matchmaker.dataload import load_path
from matchmaker.extensions import db
from models import Need
from models.base import as_utc

INJURY = "Employment injury compensation and occupational safety and health"


@pytest.fixture
def world(make_organisation, make_user, make_need, make_offer):
    requester = make_organisation("Employees Social Security Institution", "PAK")
    malaysia = make_organisation("Social Security Organisation", "MYS")
    kenya = make_organisation("National Industrial Training Authority", "KEN")
    germany = make_organisation("German Social Accident Insurance", "DEU")
    make_offer(
        malaysia,
        title="Employment injury scheme",
        description="Employment injury compensation, rehabilitation and return to work.",
        themes=["employment_injury"],
        languages=["en"],
    )
    make_offer(
        kenya,
        title="Industrial training levy",
        description="A training levy funding apprenticeships and skills.",
        themes=["skills_development"],
    )
    make_offer(
        germany,
        title="Accident insurance",
        description="Employment injury accident insurance and prevention.",
        themes=["employment_injury"],
    )
    need = make_need(
        requester,
        title=INJURY,
        description="Learn how to compensate injured workers and prevent occupational accidents.",
        themes=["employment_injury"],
        languages=["en"],
    )
    return {"need": need, "member": make_user(requester), "outsider": make_user(kenya)}


def test_api_matches_contract(client, world, api_token):
    response = client.get(
        f"/api/v1/needs/{world['need'].id}/matches?top=5", headers=api_token(world["member"])
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    first = body["matches"][0]
    assert set(first) >= {"organisation", "country", "score", "offer", "explanation", "triangular"}
    assert first["organisation"]["name"] == "Social Security Organisation"
    assert first["country"] == "MYS" and first["triangular"] is False
    assert first["offer"]["title"] == "Employment injury scheme"
    assert 0 < first["score"] <= 1
    assert set(first["explanation"]["signals"]) >= {"text", "themes", "geography"}
    assert "DEU" not in [m["country"] for m in body["matches"]]
    assert [m["country"] for m in body["facilitators"]] == ["DEU"]
    assert body["facilitators"][0]["triangular"] is True


def test_a_remembered_ranking_follows_an_edit_of_the_needs_themes_alone(
    client, world, api_token
):
    headers = api_token(world["member"])
    need_id = world["need"].id
    path = f"/api/v1/needs/{need_id}/matches"
    assert client.get(path, headers=headers).get_json()["themes"] == ["employment_injury"]
    before = db.session.get(Need, need_id).updated_at
    edited = client.patch(
        f"/api/v1/needs/{need_id}", headers=headers, json={"themes": ["skills_development"]}
    )
    assert edited.status_code == 200, edited.get_json()
    db.session.expire_all()
    assert as_utc(db.session.get(Need, need_id).updated_at) > as_utc(before)
    body = client.get(path, headers=headers).get_json()
    assert body["themes"] == ["skills_development"]


def test_matches_are_for_the_needs_organisation_and_coordinators(
    client, world, api_token, make_user
):
    path = f"/api/v1/needs/{world['need'].id}/matches"
    assert client.get(path).status_code == 401
    assert client.get(path, headers=api_token(world["outsider"])).status_code == 403
    staff = make_user(role="coordinator")
    assert client.get(path, headers=api_token(staff)).status_code == 200
    assert client.get(path + "?top=500", headers=api_token(staff)).status_code == 422
    assert client.get(path + "?top=x", headers=api_token(staff)).status_code == 400


def test_need_page_shows_why_this_match(client, world, sign_in):
    sign_in(world["member"])
    page = client.get(f"/needs/{world['need'].id}/matches").get_data(as_text=True)
    assert "Why this match" in page and "Social Security Organisation" in page
    assert "Possible triangular (facilitating) partners" in page
    assert "German Social Accident Insurance" in page


@pytest.mark.slow
def test_reference_cases_on_the_demo_world(app, runner):
    load_path(Path(app.config["DATA_DIR"]) / "demo")
    db.session.commit()

    def top_countries(country: str, text: str) -> list[str]:
        result = runner.invoke(
            args=["rank", "--country", country, "--text", text, "--top", "10", "--json"]
        )
        assert result.exit_code == 0, result.output
        countries: list[str] = []
        for item in json.loads(result.output):
            if item["country"] not in countries:
                countries.append(item["country"])
        return countries[:5]

    zambia = top_countries(
        "ZMB",
        "Employment promotion, skills and enterprise development: "
        "peer learning to improve employment promotion, skills "
        "development and enterprise development",
    )
    assert {"KEN", "ZAF"} <= set(zambia), zambia
    pakistan = top_countries(
        "PAK",
        "Employment injury compensation: our employees' social "
        "security institutions want to learn how to implement "
        "employment injury compensation systems and OSH",
    )
    assert {"MYS", "THA"} <= set(pakistan), pakistan
    assert "ZMB" not in zambia and "PAK" not in pakistan


def test_rank_cli_validates_its_input(runner, world):
    result = runner.invoke(args=["rank", "--country", "XYZ", "--text", "skills", "--json"])
    assert result.exit_code != 0 and "Unknown country" in result.output
    result = runner.invoke(
        args=["rank", "--country", "PAK", "--text", "x", "--theme", "nonsense", "--json"]
    )
    assert result.exit_code != 0 and "Unknown theme" in result.output
