"""The IATI 2.03 export validates against the official schema and uses only listed codes."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from matchmaker.config import PROJECT_ROOT
from matchmaker.dataload import load_path
from matchmaker.extensions import db

SCHEMA = PROJECT_ROOT / "data" / "iati-schemas-2.03" / "iati-activities-schema.xsd"
CODELISTS = PROJECT_ROOT / "data" / "iati-codelists"


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


@cache
def _codes(name: str) -> frozenset[str]:
    document = etree.parse(str(CODELISTS / f"{name}.xml"))
    return frozenset(document.xpath("//codelist-item/code/text()"))


def _validated(xml: bytes) -> etree._Element:
    document = etree.fromstring(xml)
    schema = _schema()
    assert schema.validate(document), schema.error_log
    for code in document.xpath("//sector[@vocabulary='1']/@code"):
        assert code in _codes("Sector"), code
    for code in document.xpath("//tag[@vocabulary='2']/@code"):
        assert code in _codes("UNSDG-Goals"), code
    for code in document.xpath("//tag[@vocabulary='3']/@code"):
        assert code in _codes("UNSDG-Targets"), code
    for code in document.xpath("//recipient-country/@code"):
        assert code in _codes("Country"), code
    for code in document.xpath("//participating-org/@type | //reporting-org/@type"):
        assert code in _codes("OrganisationType"), code
    for activity in document.iter("iati-activity"):
        shares = [Decimal(s) for s in activity.xpath("sector/@percentage")]
        assert not shares or sum(shares) == 100
    return document


def test_iati_export_of_a_fixture_world_validates(client, public_world):
    response = client.get("/public/exports/iati.xml")
    assert response.mimetype == "application/xml"
    document = _validated(response.data)
    assert document.get("version") == "2.03"
    done, ongoing = document.findall("iati-activity")
    assert done.findtext("iati-identifier") == f"XX-MATCHMAKER-EX-{public_world['completed']}"
    roles = [(o.get("role"), o.findtext("narrative")) for o in done.findall("participating-org")]
    assert roles == [
        ("2", "Ministry of Labour and Social Security"),
        ("4", "National Employment Authority"),
        ("4", "Department of Employment and Labour"),
        ("4", "International Labour Organization"),
    ]
    assert ongoing.find("participating-org[last()]").get("role") == "1"  # funding partner
    assert done.find("activity-status").get("code") == "3"
    assert ongoing.find("activity-status").get("code") == "1"
    assert [(d.get("type"), d.get("iso-date")) for d in done.findall("activity-date")] == [
        ("2", "2023-03-01"),
        ("4", "2023-03-10"),
    ]
    assert [d.get("type") for d in ongoing.findall("activity-date")] == ["1", "3"]
    assert done.find("recipient-country").get("code") == "ZM"
    assert done.xpath("tag[@vocabulary='2']/@code") == ["8", "4"]
    assert done.find("result/indicator/period/actual").get("value") == "4.5"
    assert ongoing.find("result") is None  # no evaluation yet
    assert b"SECRET" not in response.data and b"HIDDEN" not in response.data


def test_reporting_organisation_is_configurable(app, client, public_world):
    app.config.update(IATI_REPORTING_ORG_REF="XM-DAC-41302", IATI_REPORTING_ORG_NAME="ILO")
    document = _validated(client.get("/public/exports/iati.xml").data)
    reporting = document.find("iati-activity/reporting-org")
    assert reporting.get("ref") == "XM-DAC-41302" and reporting.findtext("narrative") == "ILO"
    assert document.findtext("iati-activity/iati-identifier").startswith("XM-DAC-41302-EX-")


def test_every_theme_maps_to_listed_dac_and_sdg_codes(app):
    from models import Theme

    for theme in db.session.query(Theme):
        assert set(theme.crs_codes) <= _codes("Sector"), theme.code
        assert set(theme.sdg_targets) <= _codes("UNSDG-Targets"), theme.code


@pytest.mark.slow
def test_demo_world_on_the_dashboard_and_in_a_valid_iati_export(app, client, runner, tmp_path):
    load_path(Path(app.config["DATA_DIR"]) / "demo")
    db.session.commit()
    target = tmp_path / "demo.xml"
    result = runner.invoke(args=["export", "iati", "--output", str(target)])
    assert result.exit_code == 0, result.output
    document = _validated(target.read_bytes())
    assert len(document.findall("iati-activity")) == 47
    page = client.get("/public").get_data(as_text=True)
    assert "Exchanges found: 47" in page
    arcs = re.findall(r'<path d="M[^"]+Q[^"]+" stroke-width', page)
    assert len(arcs) >= 40
