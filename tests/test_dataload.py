"""Loading data files: all or nothing, idempotent, and the shipped demo world meets its targets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from matchmaker.dataload import DataProblems, load_path
from matchmaker.extensions import db
from models import Exchange, Need, Offer, Organisation
from models.reference import Country

GOOD = """
organisations:
  - name: National Employment Authority
    country: KEN
    type: government
    subtype: public_employment_service
    description: Kenya's public employment service.
    website: https://www.nea.go.ke
    languages: [en, sw]
    source: https://www.nea.go.ke
    offers:
      - title: Labour market information on a national jobs portal
        language: en
        description: How the NEAIMS portal links jobseekers and employers.
        themes: [public_employment_services, labour_market_information]
        evidence: The portal is in operation.
        modalities: [study_visit]
        languages: [en]
        capacity: 2
        source: https://www.nea.go.ke
  - name: Ministry of Labour and Social Security
    country: ZMB
    type: government
    subtype: ministry
    description: Zambia's labour ministry.
    website: null
    languages: [en]
    source: https://www.mlss.gov.zm
    needs:
      - title: Employment promotion, skills and enterprise development
        language: en
        description: Learn how peers link skills and enterprise support.
        themes: [employment_policy, skills_development]
        modalities: [study_visit]
        languages: [en]
        source: https://www.ilo.org/
exchanges:
  - key: zmb-ken-2019
    title: Peer learning on employment promotion
    language: en
    objectives: Learn from Kenya.
    results: Capacity strengthened.
    requester: {country: ZMB, organisation: Ministry of Labour and Social Security}
    providers:
      - {country: KEN, organisation: National Employment Authority}
    modality: study_visit
    themes: [employment_policy]
    year: 2019
    source: https://www.ilo.org/
"""


def counts() -> tuple[int, int, int, int]:
    return tuple(  # type: ignore[return-value]
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Organisation, Offer, Need, Exchange)
    )


def test_load_is_idempotent(app, tmp_path: Path):
    (tmp_path / "world.yaml").write_text(GOOD)
    load_path(tmp_path)
    db.session.commit()
    first = counts()
    assert first == (2, 1, 2, 1)  # the past exchange adds a closed need of the requester
    load_path(tmp_path)
    db.session.commit()
    assert counts() == first
    exchange = db.session.scalar(select(Exchange))
    assert exchange.state == "completed" and exchange.year == 2019
    assert [p.organisation.name for p in exchange.providers] == ["National Employment Authority"]
    assert [e.action for e in exchange.events] == ["import"]
    assert exchange.need.title == "Peer learning on employment promotion (2019)"
    assert exchange.need.status == "closed"


def test_past_exchange_never_takes_over_a_need_with_the_same_title(app, tmp_path: Path):
    same_title = GOOD.replace(
        "Employment promotion, skills and enterprise development",
        "Peer learning on employment promotion (2019)",
    )
    (tmp_path / "world.yaml").write_text(same_title)
    load_path(tmp_path)
    db.session.commit()
    published = db.session.scalar(select(Need).where(Need.status == "published"))
    assert published is not None  # the organisation's own need stays published
    exchange = db.session.scalar(select(Exchange))
    assert exchange.need_id != published.id


def test_broken_file_loads_nothing_and_names_file_record_field(app, tmp_path: Path):
    (tmp_path / "good.yaml").write_text(GOOD.split("exchanges:")[0])
    broken = GOOD.split("exchanges:")[0].replace("KEN", "KEX").replace("Zambia", "Zambia")
    (tmp_path / "second.yaml").write_text(broken.replace("National Employment", "Other"))
    with pytest.raises(DataProblems) as caught:
        load_path(tmp_path)
    db.session.rollback()
    messages = [str(p) for p in caught.value.problems]
    assert any("second.yaml" in m and "country" in m and "KEX" in m for m in messages), messages
    assert counts() == (0, 0, 0, 0)


def test_cli_validate_and_load(runner, tmp_path: Path):
    path = tmp_path / "world.json"
    import yaml

    data = yaml.safe_load(GOOD)
    data["organisations"][0]["offers"][0]["themes"] = ["no_such_theme"]
    path.write_text(json.dumps(data))
    result = runner.invoke(args=["data", "validate", str(path)])
    assert result.exit_code == 1
    assert "no_such_theme" in result.output and "themes" in result.output
    result = runner.invoke(args=["data", "load", str(path)])
    assert result.exit_code == 1 and "nothing was loaded" in result.output
    assert counts() == (0, 0, 0, 0)
    data["organisations"][0]["offers"][0]["themes"] = ["public_employment_services"]
    path.write_text(json.dumps(data))
    result = runner.invoke(args=["data", "load", str(path)])
    assert result.exit_code == 0, result.output
    assert counts() == (2, 1, 2, 1)


def test_reference_countries_match_the_knowledge_module(app):
    zambia = db.session.get(Country, "ZMB")
    assert zambia.ilo_region == "africa" and zambia.south_south_peer and zambia.lldc
    germany = db.session.get(Country, "DEU")
    assert germany.oecd_dac and not germany.south_south_peer


@pytest.mark.slow
def test_shipped_demo_world_meets_its_targets(app, runner):
    data_dir = Path(app.config["DATA_DIR"]) / "demo"
    load_path(data_dir)
    db.session.commit()
    figures = json.loads(runner.invoke(args=["stats", "--json"]).output)
    assert figures["organisations"] >= 150
    assert figures["countries"] >= 70
    assert sum(figures["offers"].values()) >= 300
    assert sum(figures["needs"].values()) >= 150
    assert figures["exchanges"]["completed"] >= 40
    regions = set(db.session.scalars(select(Country.ilo_region).join(Organisation).distinct()))
    assert regions == {"africa", "americas", "arab_states", "asia_pacific", "europe_central_asia"}
    languages = db.session.execute(
        select(Offer.text_language, func.count()).group_by(Offer.text_language)
    ).all()
    needs_languages = db.session.execute(
        select(Need.text_language, func.count())
        .where(Need.status == "published")
        .group_by(Need.text_language)
    ).all()
    total = sum(n for _, n in languages + needs_languages)
    romance = sum(n for lang, n in languages + needs_languages if lang in ("fr", "es", "pt"))
    assert romance / total >= 0.20
    types = set(db.session.scalars(select(Organisation.constituent_type).distinct()))
    assert types == {"government", "employers", "workers", "other"}
