"""Demo-world and past-exchange files: clean files give their records, every slip a located problem.

Country and theme codes are injected, so these tests depend on neither the shipped country facts
nor data/themes.yaml."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from matchmaker.knowledge.records import (
    Dataset,
    ExchangeRecord,
    NeedRecord,
    OfferRecord,
    OrganisationRecord,
    PartyRecord,
    Problem,
    read_dataset,
)

COUNTRIES = frozenset({"ZMB", "KEN", "ZAF", "CHE"})
THEMES = frozenset(
    {
        "labour_market_information",
        "public_employment_services",
        "employment_injury",
        "informal_economy",
        "employment_policy",
        "skills_development",
    }
)
DROP = object()  # a field value meaning "leave this field out"

# The tiny valid world, written by hand as a reviewer would (unquoted dates, inline mappings).
ZAMBIA_YAML = """\
organisations:
  - name: Ministry of Labour and Social Security
    country: ZMB
    type: government
    subtype: ministry
    description: Sets labour and social security policy in Zambia.
    website: https://www.mlss.gov.zm
    languages: [en]
    source: https://www.mlss.gov.zm/about
    offers:
      - title: Decentralised labour market information system
        language: en
        description: Built a district-level LMIS that others can study.
        themes: [labour_market_information, public_employment_services]
        evidence: Documented results from the source.
        modalities: [study_visit, expert_mission]
        languages: [en]
        capacity: 3
        source: https://www.mlss.gov.zm/lmis
    needs:
      - title: Employment injury insurance for informal workers
        language: en
        description: Wants to learn how to cover informal workers.
        themes: [employment_injury, informal_economy]
        modalities: [study_visit, peer_review]
        languages: [en]
        start_date: 2027-03-01
        end_date: 2027-12-31
        source: https://www.mlss.gov.zm/plan
        status: draft
"""

KENYA_YAML = """\
organisations:
  - name: Ministry of Labour and Social Protection
    country: KEN
    type: government
    subtype: ministry
    description: Leads employment promotion in Kenya.
    website: null
    languages: [en, sw]
    source: https://labour.go.ke
    offers:
      - title: Employment promotion through skills and enterprise
        language: en
        description: National employment policy with skills programmes.
        themes: [employment_policy, skills_development]
        evidence: Policy adopted and evaluated.
        modalities: [peer_review]
        languages: [en, sw]
        capacity: 0
        source: https://labour.go.ke/policy
        status: closed
  - name: International Labour Organization
    country: CHE
    type: other
    subtype: un_agency
    description: UN agency for the world of work.
    website: https://www.ilo.org
    languages: [en, fr, es]
    source: https://www.ilo.org/about
exchanges:
  - key: zmb-ken-employment-promotion-2019
    title: Peer learning on employment promotion
    language: en
    objectives: What Zambia wanted to learn.
    results: Documented results.
    requester: {country: ZMB, organisation: ministry of labour and  social security}
    providers:
      - {country: KEN, organisation: Ministry of Labour and Social Protection}
    facilitator: {country: CHE, organisation: International Labour Organization, role: funding}
    modality: study_visit
    themes: [employment_policy, skills_development]
    year: 2019
    source: https://www.ilo.org/sst
"""

ORG_RECORD = 'organisations[0] "Ministry of Labour and Social Security" (ZMB)'
OFFER_RECORD = 'organisations[0].offers[0] "Decentralised labour market information system"'
NEED_RECORD = 'organisations[0].needs[0] "Employment injury insurance for informal workers"'
EXCHANGE_RECORD = "exchanges[0] zmb-ken-employment-promotion-2019"


def read(path: Path) -> Dataset:
    return read_dataset(path, country_codes=COUNTRIES, theme_codes=THEMES)


def world() -> tuple[dict[str, Any], dict[str, Any]]:
    """The valid world as parsed documents, to break one field at a time."""
    return yaml.safe_load(ZAMBIA_YAML), yaml.safe_load(KENYA_YAML)


def change(mapping: dict[str, Any], **fields: Any) -> None:
    """Set (or, with DROP, remove) fields of a parsed record."""
    for name, value in fields.items():
        if value is DROP:
            del mapping[name]
        else:
            mapping[name] = value


def write_world(tmp_path: Path, zambia: dict[str, Any], kenya: dict[str, Any]) -> tuple[Path, Path]:
    a, b = tmp_path / "a_zambia.yaml", tmp_path / "b_kenya.yaml"
    for path, document in ((a, zambia), (b, kenya)):
        path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), "utf-8")
    return a, b


def only(dataset: Dataset) -> Problem:
    """The single problem a one-slip file must give."""
    assert len(dataset.problems) == 1, [str(p) for p in dataset.problems]
    return dataset.problems[0]


# --- the valid world -----------------------------------------------------------------------------


@pytest.fixture
def valid(tmp_path: Path) -> Path:
    (tmp_path / "a_zambia.yaml").write_text(ZAMBIA_YAML, "utf-8")
    (tmp_path / "b_kenya.yaml").write_text(KENYA_YAML, "utf-8")
    (tmp_path / "notes.txt").write_text("not a data file: ignored", "utf-8")
    return tmp_path


def test_valid_world_has_no_problems_and_the_right_records(valid: Path) -> None:
    data = read(valid)

    assert data.problems == ()
    assert data.ok
    assert data.organisations == (
        OrganisationRecord(
            name="Ministry of Labour and Social Security", country="ZMB", type="government",
            subtype="ministry", description="Sets labour and social security policy in Zambia.",
            website="https://www.mlss.gov.zm", languages=("en",),
            source="https://www.mlss.gov.zm/about",
        ),
        OrganisationRecord(
            name="Ministry of Labour and Social Protection", country="KEN", type="government",
            subtype="ministry", description="Leads employment promotion in Kenya.", website=None,
            languages=("en", "sw"), source="https://labour.go.ke",
        ),
        OrganisationRecord(
            name="International Labour Organization", country="CHE", type="other",
            subtype="un_agency", description="UN agency for the world of work.",
            website="https://www.ilo.org", languages=("en", "fr", "es"),
            source="https://www.ilo.org/about",
        ),
    )  # fmt: skip
    assert data.offers == (
        OfferRecord(
            country="ZMB", organisation="Ministry of Labour and Social Security",
            title="Decentralised labour market information system", language="en",
            description="Built a district-level LMIS that others can study.",
            themes=("labour_market_information", "public_employment_services"),
            evidence="Documented results from the source.",
            modalities=("study_visit", "expert_mission"), languages=("en",), capacity=3,
            source="https://www.mlss.gov.zm/lmis", status="published",
        ),
        OfferRecord(
            country="KEN", organisation="Ministry of Labour and Social Protection",
            title="Employment promotion through skills and enterprise", language="en",
            description="National employment policy with skills programmes.",
            themes=("employment_policy", "skills_development"),
            evidence="Policy adopted and evaluated.", modalities=("peer_review",),
            languages=("en", "sw"), capacity=0, source="https://labour.go.ke/policy",
            status="closed",
        ),
    )  # fmt: skip
    assert data.needs == (
        NeedRecord(
            country="ZMB", organisation="Ministry of Labour and Social Security",
            title="Employment injury insurance for informal workers", language="en",
            description="Wants to learn how to cover informal workers.",
            themes=("employment_injury", "informal_economy"),
            modalities=("study_visit", "peer_review"), languages=("en",),
            start_date=date(2027, 3, 1), end_date=date(2027, 12, 31),
            source="https://www.mlss.gov.zm/plan", status="draft",
        ),
    )  # fmt: skip
    assert data.exchanges == (
        ExchangeRecord(
            key="zmb-ken-employment-promotion-2019",
            title="Peer learning on employment promotion", language="en",
            objectives="What Zambia wanted to learn.", results="Documented results.",
            requester=PartyRecord("ZMB", "ministry of labour and  social security"),
            providers=(PartyRecord("KEN", "Ministry of Labour and Social Protection"),),
            facilitator=PartyRecord("CHE", "International Labour Organization", "funding"),
            modality="study_visit", themes=("employment_policy", "skills_development"), year=2019,
            source="https://www.ilo.org/sst",
        ),
    )  # fmt: skip


def test_a_single_file_can_be_read_on_its_own(valid: Path) -> None:
    data = read(valid / "a_zambia.yaml")

    assert data.ok
    assert [o.country for o in data.organisations] == ["ZMB"]
    assert len(data.offers) == 1 and len(data.needs) == 1 and data.exchanges == ()


def test_json_files_are_read_like_yaml(tmp_path: Path) -> None:
    zambia, kenya = world()
    yaml_dir, json_dir = tmp_path / "yaml", tmp_path / "json"
    yaml_dir.mkdir()
    json_dir.mkdir()
    write_world(yaml_dir, zambia, kenya)
    # JSON has no dates: they are strings, as in the YAML.
    zambia["organisations"][0]["needs"][0]["start_date"] = "2027-03-01"
    zambia["organisations"][0]["needs"][0]["end_date"] = "2027-12-31"
    (json_dir / "a_zambia.json").write_text(json.dumps(zambia), "utf-8")
    (json_dir / "b_kenya.json").write_text("\ufeff" + json.dumps(kenya, indent=2), "utf-8")

    from_yaml, from_json = read(yaml_dir), read(json_dir)

    assert from_json.problems == ()
    assert from_json.needs[0].start_date == date(2027, 3, 1)
    assert (from_json.organisations, from_json.offers, from_json.needs, from_json.exchanges) == (
        from_yaml.organisations, from_yaml.offers, from_yaml.needs, from_yaml.exchanges,
    )  # fmt: skip


def test_invalid_json_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "organisations": [\n    {"name": "X",}\n  ]\n}\n', "utf-8")

    problem = only(read(tmp_path))

    assert (problem.file, problem.record, problem.field) == (str(path), "", "")
    assert problem.message.startswith("line 3, column 18: invalid JSON:"), problem.message


def test_norwegian_and_dates_stay_text(tmp_path: Path) -> None:
    """YAML 1.1 would read `no` as false and dates as dates; the strict loader keeps them."""
    text = ZAMBIA_YAML.replace(
        "    languages: [en]\n    source: https://www.mlss.gov.zm/about",
        "    languages: [en, no]\n    source: https://www.mlss.gov.zm/about",
    )
    (tmp_path / "a.yaml").write_text(text, "utf-8")

    data = read(tmp_path)

    assert data.problems == ()
    assert data.organisations[0].languages == ("en", "no")


# --- one slip, one located problem ---------------------------------------------------------------


def test_bad_country(tmp_path: Path) -> None:
    zambia, kenya = world()
    change(zambia["organisations"][0], country="ZMX")
    a, _ = write_world(tmp_path, zambia, kenya)

    data = read(tmp_path)

    # The organisation is rejected, so the exchange naming it is reported too.
    assert data.problems == (
        Problem(
            str(a), 'organisations[0] "Ministry of Labour and Social Security" (ZMX)', "country",
            "unknown country code 'ZMX'; did you mean 'ZMB'?",
        ),
        Problem(
            str(tmp_path / "b_kenya.yaml"), EXCHANGE_RECORD, "requester.organisation",
            "no organisation 'ministry of labour and  social security' (ZMB) is defined",
        ),
    )  # fmt: skip
    assert [o.country for o in data.organisations] == ["KEN", "CHE"]


def test_lower_case_country_gets_a_hint(tmp_path: Path) -> None:
    zambia, kenya = world()
    change(kenya["organisations"][1], country="che")
    _, b = write_world(tmp_path, zambia, kenya)

    problems = read(tmp_path).problems

    assert problems[0] == Problem(
        str(b), 'organisations[1] "International Labour Organization" (che)', "country",
        "unknown country code 'che'; did you mean 'CHE'?",
    )  # fmt: skip


def test_unknown_theme(tmp_path: Path) -> None:
    zambia, kenya = world()
    change(
        zambia["organisations"][0]["offers"][0],
        themes=["labour_market_information", "labour_market_info"],
    )
    a, _ = write_world(tmp_path, zambia, kenya)

    data = read(tmp_path)

    assert only(data) == Problem(
        str(a), OFFER_RECORD, "themes[1]",
        "unknown theme 'labour_market_info'; did you mean 'labour_market_information'?",
    )  # fmt: skip
    assert [o.country for o in data.offers] == ["KEN"]
    assert len(data.organisations) == 3  # the organisation itself is fine


def test_theme_listed_twice(tmp_path: Path) -> None:
    zambia, kenya = world()
    change(
        zambia["organisations"][0]["needs"][0], themes=["employment_injury", "employment_injury"]
    )
    a, _ = write_world(tmp_path, zambia, kenya)

    assert only(read(tmp_path)) == Problem(
        str(a), NEED_RECORD, "themes[1]", "'employment_injury' is listed twice"
    )


def test_subtype_not_allowed_for_type(tmp_path: Path) -> None:
    zambia, kenya = world()
    change(zambia["organisations"][0], type="employers")
    a, _ = write_world(tmp_path, zambia, kenya)

    problems = read(tmp_path).problems

    assert problems[0] == Problem(
        str(a), ORG_RECORD, "subtype",
        "'ministry' is not a subtype of 'employers' (allowed: employers_organisation)",
    )  # fmt: skip


def test_unknown_subtype_and_type(tmp_path: Path) -> None:
    zambia, kenya = world()
    change(zambia["organisations"][0], type="goverment", subtype="ministery")
    a, _ = write_world(tmp_path, zambia, kenya)

    problems = read(tmp_path).problems

    assert problems[:2] == (
        Problem(str(a), ORG_RECORD, "type",
                "unknown constituent type 'goverment'; did you mean 'government'?"),
        Problem(str(a), ORG_RECORD, "subtype",
                "unknown subtype 'ministery'; did you mean 'ministry'?"),
    )  # fmt: skip


def test_duplicate_organisation_across_two_files_ignores_case_and_spaces(tmp_path: Path) -> None:
    zambia, kenya = world()
    twin = dict(zambia["organisations"][0], name="MINISTRY of Labour and  Social Security")
    del twin["offers"], twin["needs"]
    kenya["organisations"].append(twin)
    a, b = write_world(tmp_path, zambia, kenya)

    data = read(tmp_path)

    assert only(data) == Problem(
        str(b), 'organisations[2] "MINISTRY of Labour and Social Security" (ZMB)', "name",
        f"duplicate organisation: already defined in {a}: {ORG_RECORD}",
    )  # fmt: skip
    assert [o.name for o in data.organisations].count("Ministry of Labour and Social Security") == 1
    assert len(data.organisations) == 3


def test_same_name_in_another_country_is_another_organisation(tmp_path: Path) -> None:
    zambia, kenya = world()
    twin = dict(zambia["organisations"][0], country="ZAF")
    del twin["offers"], twin["needs"]
    kenya["organisations"].append(twin)
    write_world(tmp_path, zambia, kenya)

    data = read(tmp_path)

    assert data.problems == ()
    assert len(data.organisations) == 4


def test_duplicate_offer_title_in_one_organisation(tmp_path: Path) -> None:
    zambia, kenya = world()
    offers = zambia["organisations"][0]["offers"]
    offers.append(dict(offers[0], title=" decentralised LABOUR market information system"))
    # The same title for a need, or for another organisation's offer, is no duplicate.
    zambia["organisations"][0]["needs"][0]["title"] = offers[0]["title"]
    kenya["organisations"][0]["offers"][0]["title"] = offers[0]["title"]
    a, _ = write_world(tmp_path, zambia, kenya)

    data = read(tmp_path)

    assert only(data) == Problem(
        str(a), 'organisations[0].offers[1] "decentralised LABOUR market information system"',
        "title",
        "duplicate offer: already defined in "
        f'{a}: organisations[0].offers[0] "Decentralised labour market information system"',
    )  # fmt: skip
    assert len(data.offers) == 2 and len(data.needs) == 1


@pytest.mark.parametrize(
    ("where", "field", "record"),
    [
        ("organisation", "description", ORG_RECORD),
        ("organisation", "languages", ORG_RECORD),
        ("offer", "evidence", OFFER_RECORD),
        ("offer", "capacity", OFFER_RECORD),
        ("need", "modalities", NEED_RECORD),
        ("need", "source", NEED_RECORD),
        ("exchange", "year", EXCHANGE_RECORD),
        ("exchange", "providers", EXCHANGE_RECORD),
    ],
)
def test_missing_required_field(tmp_path: Path, where: str, field: str, record: str) -> None:
    zambia, kenya = world()
    target = {
        "organisation": zambia["organisations"][0],
        "offer": zambia["organisations"][0]["offers"][0],
        "need": zambia["organisations"][0]["needs"][0],
        "exchange": kenya["exchanges"][0],
    }[where]
    change(target, **{field: DROP})
    a, b = write_world(tmp_path, zambia, kenya)

    data = read(tmp_path)

    file = str(b if where == "exchange" else a)
    assert only(data) == Problem(file, record, field, "required field is missing")
    counts = (len(data.organisations), len(data.offers), len(data.needs), len(data.exchanges))
    assert sum(counts) == 7 - 1  # exactly the broken record is left out (3 + 2 + 1 + 1 when valid)


def test_empty_required_field_and_empty_list(tmp_path: Path) -> None:
    zambia, kenya = world()
    change(zambia["organisations"][0]["offers"][0], evidence=None, modalities=[], title="  ")
    a, _ = write_world(tmp_path, zambia, kenya)

    problems = read(tmp_path).problems

    record = 'organisations[0].offers[0] ""'
    assert problems == (
        Problem(str(a), record, "title", "must not be empty"),
        Problem(str(a), record, "modalities", "must list at least one modality"),
        Problem(str(a), record, "evidence", "required field is empty"),
    )


def test_optional_fields_may_be_left_out(tmp_path: Path) -> None:
    zambia, kenya = world()
    change(zambia["organisations"][0], website=DROP)
    change(zambia["organisations"][0]["needs"][0], start_date=DROP, end_date=DROP, status=DROP)
    change(kenya["exchanges"][0], facilitator=DROP)
    write_world(tmp_path, zambia, kenya)

    data = read(tmp_path)

    assert data.problems == ()
    assert data.organisations[0].website is None
    need = data.needs[0]
    assert (need.start_date, need.end_date, need.status) == (None, None, "published")
    assert data.exchanges[0].facilitator is None


def test_unknown_field_typo(tmp_path: Path) -> None:
    zambia, kenya = world()
    offer = zambia["organisations"][0]["offers"][0]
    offer["titel"] = offer.pop("title")
    a, _ = write_world(tmp_path, zambia, kenya)

    data = read(tmp_path)

    assert data.problems == (
        Problem(str(a), "organisations[0].offers[0]", "title", "required field is missing"),
        Problem(str(a), "organisations[0].offers[0]", "titel",
                "unknown field; did you mean 'title'?"),
    )  # fmt: skip
    assert [o.country for o in data.offers] == ["KEN"]


def test_misplaced_field_in_a_nested_party(tmp_path: Path) -> None:
    zambia, kenya = world()
    kenya["exchanges"][0]["requester"]["role"] = "funding"  # only the facilitator has a role
    _, b = write_world(tmp_path, zambia, kenya)

    data = read(tmp_path)

    assert only(data) == Problem(str(b), EXCHANGE_RECORD, "requester.role", "unknown field")
    assert data.exchanges == ()


def test_unknown_top_level_list(tmp_path: Path) -> None:
    zambia, kenya = world()
    kenya["exchange"] = kenya.pop("exchanges")
    _, b = write_world(tmp_path, zambia, kenya)

    assert only(read(tmp_path)) == Problem(
        str(b), "", "exchange", "unknown field; did you mean 'exchanges'?"
    )


def test_invalid_yaml_names_the_line_and_other_files_are_still_read(tmp_path: Path) -> None:
    (tmp_path / "a_zambia.yaml").write_text(ZAMBIA_YAML, "utf-8")
    broken = tmp_path / "b_broken.yaml"
    # line 4 is indented deeper than its siblings: a syntax error there
    broken.write_text(
        "organisations:\n  - name: X\n    country: KEN\n      type: government\n", "utf-8"
    )

    data = read(tmp_path)

    problem = only(data)
    assert (problem.file, problem.record, problem.field) == (str(broken), "", "")
    assert problem.message.startswith("line 4, column "), problem.message
    assert "invalid YAML" in problem.message
    assert [o.country for o in data.organisations] == ["ZMB"]


def test_duplicate_yaml_key_is_an_error_not_an_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        ZAMBIA_YAML.replace("    country: ZMB\n", "    country: ZMB\n    country: KEN\n")
    )

    problem = only(read(tmp_path))

    assert problem.file == str(path)
    assert problem.message == "line 4, column 5: invalid YAML: duplicate key 'country'"


def test_control_character_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(ZAMBIA_YAML.replace("Sets labour", "Sets\x07labour"), "utf-8")

    problem = only(read(tmp_path))

    assert problem.message == "line 6, column 22: invalid YAML: non-printable character #x0007"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "expected a mapping with an 'organisations' and/or an 'exchanges' list"),
        ("- a\n- b\n", "expected a mapping with an 'organisations' and/or an 'exchanges' list"),
        ("organisations: 3\n", None),
    ],
)
def test_wrong_document_shape(tmp_path: Path, text: str, message: str | None) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(text, "utf-8")

    problem = only(read(tmp_path))

    if message is None:
        assert problem == Problem(
            str(path), "", "organisations", "expected a list, got a number (3)"
        )
    else:
        assert problem == Problem(str(path), "", "", message)


def test_no_data_file(tmp_path: Path) -> None:
    assert read(tmp_path).problems == (
        Problem(str(tmp_path), "", "", "no YAML or JSON data file found"),
    )
    assert read(tmp_path / "missing.yaml").problems[0].message == "no YAML or JSON data file found"


def test_exchange_naming_an_organisation_that_does_not_exist(tmp_path: Path) -> None:
    zambia, kenya = world()
    kenya["exchanges"][0]["providers"].append(
        {"country": "KEN", "organisation": "Ministry of Nothing"}
    )
    # right name, wrong country: not the same organisation
    kenya["exchanges"][0]["facilitator"]["country"] = "ZAF"
    _, b = write_world(tmp_path, zambia, kenya)

    data = read(tmp_path)

    assert data.problems == (
        Problem(str(b), EXCHANGE_RECORD, "providers[1].organisation",
                "no organisation 'Ministry of Nothing' (KEN) is defined"),
        Problem(str(b), EXCHANGE_RECORD, "facilitator.organisation",
                "no organisation 'International Labour Organization' (ZAF) is defined"),
    )  # fmt: skip
    assert data.exchanges == ()


def test_missing_organisation_is_reported_even_when_the_exchange_has_other_problems(
    tmp_path: Path,
) -> None:
    zambia, kenya = world()
    change(kenya["exchanges"][0], year=1985)
    kenya["exchanges"][0]["providers"][0]["organisation"] = "Ministry of Nothing"
    _, b = write_world(tmp_path, zambia, kenya)

    assert read(tmp_path).problems == (
        Problem(str(b), EXCHANGE_RECORD, "year", "1985 is out of range 1990..2100"),
        Problem(str(b), EXCHANGE_RECORD, "providers[0].organisation",
                "no organisation 'Ministry of Nothing' (KEN) is defined"),
    )  # fmt: skip


def test_requester_cannot_be_provider_and_providers_are_distinct(tmp_path: Path) -> None:
    zambia, kenya = world()
    providers = kenya["exchanges"][0]["providers"]
    providers.append({"country": "ZMB", "organisation": "Ministry of Labour and Social Security"})
    providers.append({"country": "KEN", "organisation": "ministry of labour and social protection"})
    _, b = write_world(tmp_path, zambia, kenya)

    data = read(tmp_path)

    assert data.problems == (
        Problem(str(b), EXCHANGE_RECORD, "providers[1].organisation",
                "the requester cannot also be a provider"),
        Problem(str(b), EXCHANGE_RECORD, "providers[2].organisation",
                "provider listed twice (also providers[0])"),
    )  # fmt: skip
    assert data.exchanges == ()


def test_duplicate_and_malformed_exchange_keys(tmp_path: Path) -> None:
    zambia, kenya = world()
    exchanges = kenya["exchanges"]
    exchanges.append(dict(exchanges[0]))
    exchanges.append(dict(exchanges[0], key="ZMB_KEN 2019"))
    _, b = write_world(tmp_path, zambia, kenya)

    data = read(tmp_path)

    assert data.problems == (
        Problem(str(b), "exchanges[1] zmb-ken-employment-promotion-2019", "key",
                f"duplicate exchange: already defined in {b}: {EXCHANGE_RECORD}"),
        Problem(str(b), "exchanges[2] ZMB_KEN 2019", "key",
                "'ZMB_KEN 2019' is not a valid key (lower-case slug: a-z, 0-9, -)"),
    )  # fmt: skip
    assert len(data.exchanges) == 1


def test_end_date_before_start_date(tmp_path: Path) -> None:
    zambia, kenya = world()
    change(zambia["organisations"][0]["needs"][0], start_date="2027-03-01", end_date="2027-01-31")
    a, _ = write_world(tmp_path, zambia, kenya)

    data = read(tmp_path)

    assert only(data) == Problem(
        str(a), NEED_RECORD, "end_date", "2027-01-31 is before start_date 2027-03-01"
    )
    assert data.needs == ()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2027-02-30", "'2027-02-30' is not a valid calendar date"),
        ("2027-3-1", "expected a date as YYYY-MM-DD, got text ('2027-3-1')"),
        (2027, "expected a date as YYYY-MM-DD, got a number (2027)"),
    ],
)
def test_malformed_dates(tmp_path: Path, value: object, message: str) -> None:
    zambia, kenya = world()
    change(zambia["organisations"][0]["needs"][0], start_date=value)
    a, _ = write_world(tmp_path, zambia, kenya)

    assert only(read(tmp_path)) == Problem(str(a), NEED_RECORD, "start_date", message)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (101, "101 is out of range 0..100"),
        (-1, "-1 is out of range 0..100"),
        ("3", "expected a whole number, got text ('3')"),
        (2.5, "expected a whole number, got a number (2.5)"),
        (True, "expected a whole number, got a boolean (true)"),
    ],
)
def test_capacity_out_of_range_or_not_a_number(tmp_path: Path, value: object, message: str) -> None:
    zambia, kenya = world()
    change(zambia["organisations"][0]["offers"][0], capacity=value)
    a, _ = write_world(tmp_path, zambia, kenya)

    data = read(tmp_path)

    assert only(data) == Problem(str(a), OFFER_RECORD, "capacity", message)
    assert [o.country for o in data.offers] == ["KEN"]


LANGUAGE = "language code (ISO 639-1, two lower-case letters)"


@pytest.mark.parametrize(
    ("where", "field", "value", "message"),
    [
        ("offer", "language", "sp", f"unknown {LANGUAGE} 'sp'"),
        ("offer", "language", "EN", f"unknown {LANGUAGE} 'EN'; did you mean 'en'?"),
        ("offer", "language", "eng", "too long: 3 characters, at most 2"),
        ("organisation", "languages[1]", "xx", f"unknown {LANGUAGE} 'xx'"),
        ("need", "languages[0]", 1, "expected " + LANGUAGE + ", got a number (1)"),
        ("exchange", "language", "zz", f"unknown {LANGUAGE} 'zz'"),
    ],
)
def test_bad_language_code(
    tmp_path: Path, where: str, field: str, value: object, message: str
) -> None:
    zambia, kenya = world()
    target, record = {
        "organisation": (zambia["organisations"][0], ORG_RECORD),
        "offer": (zambia["organisations"][0]["offers"][0], OFFER_RECORD),
        "need": (zambia["organisations"][0]["needs"][0], NEED_RECORD),
        "exchange": (kenya["exchanges"][0], EXCHANGE_RECORD),
    }[where]
    name, _, index = field.partition("[")
    if index:
        target[name] = [*target[name], value] if index == "1]" else [value]
    else:
        target[name] = value
    a, b = write_world(tmp_path, zambia, kenya)

    problem = read(tmp_path).problems[0]

    assert problem == Problem(str(b if where == "exchange" else a), record, field, message)


def test_bad_facilitator_role(tmp_path: Path) -> None:
    zambia, kenya = world()
    kenya["exchanges"][0]["facilitator"]["role"] = "sponsor"
    _, b = write_world(tmp_path, zambia, kenya)

    data = read(tmp_path)

    assert only(data) == Problem(
        str(b), EXCHANGE_RECORD, "facilitator.role",
        "unknown role 'sponsor'; expected one of: funding, technical_support, logistics",
    )  # fmt: skip
    assert data.exchanges == ()


def test_facilitator_role_is_required(tmp_path: Path) -> None:
    zambia, kenya = world()
    del kenya["exchanges"][0]["facilitator"]["role"]
    _, b = write_world(tmp_path, zambia, kenya)

    assert only(read(tmp_path)) == Problem(
        str(b), EXCHANGE_RECORD, "facilitator.role", "required field is missing"
    )


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (1989, "1989 is out of range 1990..2100"),
        (2101, "2101 is out of range 1990..2100"),
        ("2019", "expected a whole number, got text ('2019')"),
    ],
)
def test_year_out_of_range(tmp_path: Path, year: object, message: str) -> None:
    zambia, kenya = world()
    change(kenya["exchanges"][0], year=year)
    _, b = write_world(tmp_path, zambia, kenya)

    data = read(tmp_path)

    assert only(data) == Problem(str(b), EXCHANGE_RECORD, "year", message)
    assert data.exchanges == ()


def test_bad_modality_and_status(tmp_path: Path) -> None:
    zambia, kenya = world()
    change(zambia["organisations"][0]["offers"][0], modalities=["study visit"], status="open")
    a, _ = write_world(tmp_path, zambia, kenya)

    assert read(tmp_path).problems == (
        Problem(str(a), OFFER_RECORD, "modalities[0]",
                "unknown modality 'study visit'; did you mean 'study_visit'?"),
        Problem(str(a), OFFER_RECORD, "status",
                "unknown status 'open'; expected one of: draft, published, closed"),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("www.mlss.gov.zm", "give a web address (https://...) or a full publication reference "
                            "(publisher or author, title, year or section)"),
        ("https://www.mlss.gov.zm/a b", "'https://www.mlss.gov.zm/a b' is not a web address (https://...)"),
        ("https://[mlss.gov.zm", "'https://[mlss.gov.zm' is not a web address (https://...)"),
        ("https://x.org/" + "a" * 490, "too long: 504 characters, at most 500"),
    ],
)  # fmt: skip
def test_source_must_be_a_web_address_that_fits(tmp_path: Path, value: str, message: str) -> None:
    zambia, kenya = world()
    change(zambia["organisations"][0], source=value)
    a, _ = write_world(tmp_path, zambia, kenya)

    assert read(tmp_path).problems[0] == Problem(str(a), ORG_RECORD, "source", message)


def test_source_may_be_a_full_publication_reference(tmp_path: Path) -> None:
    zambia, kenya = world()
    reference = "ILO (2019). Employment Act No. 3 of 2019 of Zambia, Part IV. Lusaka: GRZ."
    change(zambia["organisations"][0], source=reference)
    write_world(tmp_path, zambia, kenya)

    dataset = read(tmp_path)
    assert dataset.problems == ()
    assert dataset.organisations[0].source == reference


def test_problem_reads_as_one_line() -> None:
    problem = Problem("demo/a.yaml", "organisations[0]", "country", "unknown country code 'ZMX'")

    assert str(problem) == "demo/a.yaml: organisations[0]: country: unknown country code 'ZMX'"
    assert str(Problem("demo/a.yaml", "", "", "line 3, column 1: invalid YAML")) == (
        "demo/a.yaml: line 3, column 1: invalid YAML"
    )
