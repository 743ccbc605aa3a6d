"""What the public may see of exchanges: the one rule, its filters, and the one whitelist of fields.

An exchange is public once a coordinator approved it (approved, scheduled, in progress) or it
happened (completed, evaluated, closed), and only when every organisation in it (requester,
providers, facilitator) is verified. Drafts and proposals, declined, withdrawn, rejected or
cancelled exchanges never are. Of a public exchange the public sees its own texts (title,
objectives, expected results, results, source), the organisations and countries, themes, dates
and the evaluations' *ratings*. Never: people (names, e-mails, authors, actors of the audit
trail), comments and reasons, budgets, and the evaluations' free text (`results_achieved`,
`will_apply`), which their authors wrote for the exchange's parties, not for publication.
Pages, CSV, JSON and IATI all go through `public_exchanges()` and `describe()`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, extract, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from matchmaker.extensions import db
from matchmaker.knowledge.countries import ILO_REGIONS
from matchmaker.knowledge.vocabulary import MODALITIES
from models import Country, Exchange, ExchangeProvider, Need, Organisation, Theme

ONGOING_STATES = ("approved", "scheduled", "in_progress")
DONE_STATES = ("completed", "evaluated", "closed")
PUBLIC_STATES = ONGOING_STATES + DONE_STATES
BATCH = 500  # rows per round trip when streaming

Requester = aliased(Organisation, name="requester")
RequesterCountry = aliased(Country, name="requester_country")
_unverified = Organisation.verification_status != "verified"
exchange_year = func.coalesce(Exchange.year, extract("year", Exchange.start_date))


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters; empty strings mean "any"."""

    q: str = ""
    region: str = ""
    theme: str = ""
    modality: str = ""
    year: int | None = None
    state: str = ""


def parse_filters(args: Mapping[str, str]) -> tuple[Filters, list[str]]:
    """Filters from a query string; an unknown value is dropped with a message saying why."""
    problems: list[str] = []

    def choice(name: str, allowed: Iterable[str], message: str) -> str:
        value = (args.get(name) or "").strip()
        if value and value not in allowed:
            problems.append(message)
            return ""
        return value

    themes = db.session.scalars(select(Theme.code)).all()
    year: int | None = None
    raw_year = (args.get("year") or "").strip()
    if raw_year:
        if raw_year.isdigit() and 1900 <= int(raw_year) <= 2100:
            year = int(raw_year)
        else:
            problems.append("The year must be a number such as 2019; it was ignored.")
    filters = Filters(
        q=(args.get("q") or "").strip()[:200],
        region=choice("region", ILO_REGIONS, "Unknown region; it was ignored."),
        theme=choice("theme", themes, "Unknown theme; it was ignored."),
        modality=choice("modality", MODALITIES, "Unknown modality; it was ignored."),
        year=year,
        state=choice("state", PUBLIC_STATES, "Unknown state; it was ignored."),
    )
    return filters, problems


def public_exchanges(filters: Filters = Filters()) -> Select[Any]:
    """Exchanges anyone may see, filtered; joined with the requester and its country."""
    query = (
        select(Exchange)
        .join(Need, Exchange.need_id == Need.id)
        .join(Requester, Need.organisation_id == Requester.id)
        .join(RequesterCountry, Requester.country_code == RequesterCountry.iso3)
        .where(
            Exchange.state.in_(PUBLIC_STATES),
            Requester.verification_status == "verified",
            ~Exchange.providers.any(ExchangeProvider.organisation.has(_unverified)),
            or_(Exchange.facilitator_id.is_(None), ~Exchange.facilitator.has(_unverified)),
        )
    )
    if filters.q:
        pattern = f"%{filters.q.strip()}%"
        query = query.where(
            or_(
                Exchange.title.ilike(pattern),
                Exchange.objectives.ilike(pattern),
                Exchange.results.ilike(pattern),
                Requester.name.ilike(pattern),
                Exchange.providers.any(
                    ExchangeProvider.organisation.has(Organisation.name.ilike(pattern))
                ),
            )
        )
    if filters.region:
        query = query.where(RequesterCountry.ilo_region == filters.region)
    if filters.theme:
        query = query.where(Need.themes.any(Theme.code == filters.theme))
    if filters.modality:
        query = query.where(Exchange.modality == filters.modality)
    if filters.year:
        query = query.where(exchange_year == filters.year)
    if filters.state:
        query = query.where(Exchange.state == filters.state)
    return query


def _loaded(query: Select[Any]) -> Select[Any]:
    return query.options(
        selectinload(Exchange.need).selectinload(Need.themes),
        selectinload(Exchange.need).selectinload(Need.organisation),
        selectinload(Exchange.providers).selectinload(ExchangeProvider.organisation),
        selectinload(Exchange.facilitator),
        selectinload(Exchange.evaluations),
    )


@dataclass(frozen=True)
class Party:
    name: str
    country: str  # ISO 3166-1 alpha-3
    country_iso2: str
    country_name: str
    constituent_type: str
    subtype: str | None
    role: str = ""


@dataclass(frozen=True)
class PublicExchange:
    """The public fields of one exchange, and nothing else."""

    id: int
    title: str
    state: str
    modality: str
    text_language: str
    year: int | None
    start_date: date | None
    end_date: date | None
    updated_at: Any
    objectives: str
    expected_results: str
    results: str
    source: str | None
    requester: Party
    providers: list[Party]
    facilitator: Party | None
    ilo_region: str
    themes: list[tuple[str, str]]  # (code, English name)
    sdg_targets: list[str]
    crs_codes: list[str]
    ratings: list[int] = field(default_factory=list)
    principles: dict[str, float] = field(default_factory=dict)

    @property
    def completed(self) -> bool:
        return self.state in DONE_STATES

    @property
    def average_rating(self) -> float | None:
        return round(sum(self.ratings) / len(self.ratings), 2) if self.ratings else None


def _party(organisation: Organisation, role: str = "") -> Party:
    return Party(
        name=organisation.name,
        country=organisation.country_code,
        country_iso2=organisation.country.iso2 or "",
        country_name=organisation.country.name(),
        constituent_type=organisation.constituent_type,
        subtype=organisation.subtype,
        role=role,
    )


def _by_id(provider: ExchangeProvider) -> int:
    return provider.id


def describe(exchange: Exchange) -> PublicExchange:
    """Copy the public fields only; every public page and export reads this, never the row."""
    themes = exchange.need.themes
    principles: dict[str, list[int]] = {}
    for evaluation in exchange.evaluations:
        for name, value in evaluation.principles.items():
            principles.setdefault(name, []).append(value)
    return PublicExchange(
        id=exchange.id,
        title=exchange.title,
        state=exchange.state,
        modality=exchange.modality,
        text_language=exchange.text_language,
        year=exchange.year or (exchange.start_date.year if exchange.start_date else None),
        start_date=exchange.start_date,
        end_date=exchange.end_date,
        updated_at=exchange.updated_at,
        objectives=exchange.objectives,
        expected_results=exchange.expected_results,
        results=exchange.results,
        source=exchange.source,
        requester=_party(exchange.need.organisation),
        providers=[_party(p.organisation) for p in sorted(exchange.providers, key=_by_id)],
        facilitator=(
            _party(exchange.facilitator, exchange.facilitator_role or "")
            if exchange.facilitator
            else None
        ),
        ilo_region=exchange.need.organisation.country.ilo_region,
        themes=[(t.code, t.name()) for t in themes],
        sdg_targets=list(dict.fromkeys(target for t in themes for target in t.sdg_targets)),
        crs_codes=list(dict.fromkeys(code for t in themes for code in t.crs_codes)),
        ratings=[e.usefulness for e in exchange.evaluations],
        principles={k: round(sum(v) / len(v), 2) for k, v in sorted(principles.items())},
    )


def get(exchange_id: int) -> PublicExchange | None:
    exchange = db.session.scalar(_loaded(public_exchanges()).where(Exchange.id == exchange_id))
    return describe(exchange) if exchange is not None else None


def stream(filters: Filters = Filters()) -> Iterator[PublicExchange]:
    """Every matching public exchange, a batch at a time (server-side cursor on PostgreSQL)."""
    query = (
        _loaded(public_exchanges(filters)).order_by(Exchange.id).execution_options(yield_per=BATCH)
    )
    for exchange in db.session.scalars(query):
        yield describe(exchange)


@dataclass(frozen=True)
class Page:
    items: list[PublicExchange]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def search(filters: Filters, *, page: int = 1, per_page: int = 20) -> Page:
    """One page of the list, most recent first."""
    query = public_exchanges(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        _loaded(query)
        .order_by(exchange_year.desc().nulls_last(), Exchange.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page([describe(row) for row in rows], total, page, per_page)


def ids(filters: Filters = Filters()) -> Select[Any]:
    """The ids of the matching public exchanges, for aggregate queries."""
    return select(public_exchanges(filters).subquery().c.id)


def years() -> list[int]:
    found = db.session.scalars(
        select(exchange_year).where(Exchange.id.in_(ids()), exchange_year.is_not(None)).distinct()
    )
    return sorted({int(y) for y in found}, reverse=True)
