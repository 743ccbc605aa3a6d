"""Public exchanges as IATI activities (standard version 2.03), written as a stream.

Choices, per the IATI code lists:
- participating-org roles (OrganisationRole): the requester is 2 Accountable: the exchange
  answers its need and it owns the learning (country ownership); providers are 4
  Implementing; a facilitating partner is 1 Funding when its role is funding, else 4
  Implementing (technical support and logistics carry out the exchange, they do not fund it).
- recipient-country: the requester's country (ISO 3166-1 alpha-2).
- sector: vocabulary 1 (OECD DAC 5-digit CRS purpose codes of the exchange's themes), the
  percentages split evenly so that they add up to 100.
- tag: vocabulary 2 (SDG goals) and 3 (SDG targets) from the themes.
- activity-status (ActivityStatus): approved and scheduled 1 Pipeline/identification,
  in progress 2 Implementation, completed and evaluated 3 Finalisation, closed 4 Closed.
- activity-date: planned start and end (1, 3) until the exchange starts, actual ones (2, 4)
  after; a documented exchange known by its year only gets an actual start on 1 January
  with a narrative saying so.
- result: where evaluations exist, an outcome (type 2) with one ordinal indicator, the
  average usefulness rated by the parties (1 to 5), and the exchange's results as its
  description.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any

from lxml import etree

from matchmaker.public.records import PublicExchange

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ROLE_FUNDING, ROLE_ACCOUNTABLE, ROLE_IMPLEMENTING = "1", "2", "4"
STATUS = {
    "approved": "1",
    "scheduled": "1",
    "in_progress": "2",
    "completed": "3",
    "evaluated": "3",
    "closed": "4",
}
STARTED = frozenset({"in_progress", "completed", "evaluated", "closed"})
ENDED = frozenset({"completed", "evaluated", "closed"})
# OrganisationType codes where the constituent type or subtype says enough; else none is given.
ORGANISATION_TYPES = {"government": "10", "un_agency": "40", "regional_body": "40",
                      "research_institute": "80"}  # fmt: skip


@dataclass(frozen=True)
class ReportingOrg:
    """Who publishes the file (settings IATI_REPORTING_ORG_REF, _NAME and _TYPE)."""

    ref: str
    name: str
    type: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ReportingOrg:
        return cls(
            config["IATI_REPORTING_ORG_REF"],
            config["IATI_REPORTING_ORG_NAME"],
            config["IATI_REPORTING_ORG_TYPE"],
        )


def _narrative(parent: etree._Element, text: str, language: str | None = None) -> None:
    element = etree.SubElement(parent, "narrative")
    if language:
        element.set(XML_LANG, language)
    element.text = text


def _sub(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attributes.items()})


def _percentages(count: int) -> list[str]:
    """Even shares with two decimals that add up to exactly 100."""
    share = (Decimal(100) / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    shares = [share] * count
    shares[0] += Decimal(100) - share * count
    return [str(s) for s in shares]


def _dates(exchange: PublicExchange) -> list[tuple[str, date, str | None]]:
    """(activity-date type, date, narrative) for what is known of the exchange's dates."""
    found: list[tuple[str, date, str | None]] = []
    if exchange.start_date:
        found.append(("2" if exchange.state in STARTED else "1", exchange.start_date, None))
    if exchange.end_date:
        found.append(("4" if exchange.state in ENDED else "3", exchange.end_date, None))
    if not found and exchange.year:
        note = "The source documents the year of the exchange only."
        found.append(("2", date(exchange.year, 1, 1), note))
    return found


def activity(exchange: PublicExchange, reporting: ReportingOrg, url: str) -> etree._Element:
    """One iati-activity element, children in the order the 2.03 schema requires."""
    language = exchange.text_language
    root = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": _datetime(exchange.updated_at),
            XML_LANG: language,
            "linked-data-uri": url,
        },
    )
    _sub(root, "iati-identifier").text = f"{reporting.ref}-EX-{exchange.id}"
    _narrative(_sub(root, "reporting-org", ref=reporting.ref, type=reporting.type), reporting.name)
    _narrative(_sub(root, "title"), exchange.title, language)
    _narrative(_sub(root, "description", type="1"), exchange.objectives or exchange.title, language)
    if exchange.expected_results:
        _narrative(_sub(root, "description", type="2"), exchange.expected_results, language)
    parties = [(exchange.requester, ROLE_ACCOUNTABLE)]
    parties += [(provider, ROLE_IMPLEMENTING) for provider in exchange.providers]
    if exchange.facilitator:
        role = ROLE_FUNDING if exchange.facilitator.role == "funding" else ROLE_IMPLEMENTING
        parties.append((exchange.facilitator, role))
    for party, role in parties:
        attributes = {"role": role}
        kind = ORGANISATION_TYPES.get(party.subtype or "") or ORGANISATION_TYPES.get(
            party.constituent_type
        )
        if kind:
            attributes["type"] = kind
        _narrative(_sub(root, "participating-org", **attributes), party.name)
    _sub(root, "activity-status", code=STATUS[exchange.state])
    for kind, day, note in _dates(exchange):
        element = _sub(root, "activity-date", type=kind, iso_date=day.isoformat())
        if note:
            _narrative(element, note, "en")
    if exchange.requester.country_iso2:
        _sub(root, "recipient-country", code=exchange.requester.country_iso2, percentage="100")
    codes = exchange.crs_codes
    for code, share in zip(codes, _percentages(len(codes)) if codes else [], strict=True):
        _sub(root, "sector", vocabulary="1", code=code, percentage=share)
    goals = dict.fromkeys(target.split(".")[0] for target in exchange.sdg_targets)
    for goal in goals:
        _sub(root, "tag", vocabulary="2", code=goal)
    for target in exchange.sdg_targets:
        _sub(root, "tag", vocabulary="3", code=target)
    if exchange.ratings:
        _result(root, exchange)
    return root


def _result(root: etree._Element, exchange: PublicExchange) -> None:
    result = _sub(root, "result", type="2", aggregation_status="0")
    _narrative(_sub(result, "title"), "Usefulness of the exchange to its participants", "en")
    if exchange.results:
        _narrative(_sub(result, "description"), exchange.results, exchange.text_language)
    indicator = _sub(result, "indicator", measure="4", ascending="1")
    _narrative(
        _sub(indicator, "title"),
        "Average usefulness rated by the participating organisations (1 to 5)",
        "en",
    )
    start = exchange.start_date or (date(exchange.year, 1, 1) if exchange.year else None)
    end = exchange.end_date or (date(exchange.year, 12, 31) if exchange.year else None)
    if start and end:
        period = _sub(indicator, "period")
        _sub(period, "period-start", iso_date=start.isoformat())
        _sub(period, "period-end", iso_date=end.isoformat())
        _sub(period, "actual", value=f"{exchange.average_rating:g}")


def _datetime(moment: datetime | None) -> str:
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.replace(microsecond=0).isoformat()


def activities(
    exchanges: Iterable[PublicExchange], reporting: ReportingOrg, url_for: Callable[[int], str]
) -> Iterator[str]:
    """The iati-activities document, one activity per chunk."""
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<iati-activities version="{VERSION}" '
        f'generated-datetime="{_datetime(datetime.now(UTC))}">\n'
    )
    for exchange in exchanges:
        element = activity(exchange, reporting, url_for(exchange.id))
        yield etree.tostring(element, encoding="unicode", pretty_print=True)
    yield "</iati-activities>\n"
