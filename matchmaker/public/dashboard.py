"""The dashboard's figures: key numbers, counts per category, and the map of learning flows.

Aggregates run in the database over the ids of the public, filtered exchanges
(`records.ids`), so the page costs a few grouped queries whatever the history's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, union
from sqlalchemy.orm import aliased

from matchmaker.extensions import db
from matchmaker.i18n import current_language
from matchmaker.profiles.choices import ILO_REGION_LABELS
from matchmaker.public import geometry
from matchmaker.public.records import DONE_STATES, Filters, exchange_year, ids
from models import Country, Evaluation, Exchange, ExchangeProvider, Need, Organisation, Theme
from models.catalogue import need_themes

MODALITY_LABELS = {
    "study_visit": _l("Study visit"),
    "peer_review": _l("Peer review"),
    "workshop": _l("Workshop"),
    "expert_mission": _l("Expert mission"),
    "twinning": _l("Twinning"),
    "training_course": _l("Training course"),
    "virtual_exchange": _l("Virtual exchange"),
}
STATE_LABELS = {
    "approved": _l("Approved"),
    "scheduled": _l("Scheduled"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
    "evaluated": _l("Evaluated"),
    "closed": _l("Closed"),
}
FACILITATOR_ROLE_LABELS = {
    "funding": _l("Funding"),
    "technical_support": _l("Technical support"),
    "logistics": _l("Logistics"),
}
NO_FACILITATOR = _l("No facilitating partner (direct South-South)")
PRINCIPLE_LABELS = {
    "country_ownership": _l("Country ownership"),
    "focus_on_results": _l("Focus on results"),
    "inclusive_partnership": _l("Inclusive partnership"),
    "transparency_accountability": _l("Transparency and mutual accountability"),
}


@dataclass(frozen=True)
class Bar:
    """One category of a chart: its label, count, and length as a share of the longest bar."""

    label: str
    count: int
    share: float  # 0-100


@dataclass(frozen=True)
class Summary:
    exchanges: int
    completed: int
    countries: int
    average_rating: float | None
    ratings: int


def _bars(counts: list[tuple[str, int]]) -> list[Bar]:
    largest = max((count for _label, count in counts), default=0) or 1
    return [Bar(label, count, round(100 * count / largest, 1)) for label, count in counts]


def summary(filters: Filters) -> Summary:
    """Key figures: exchanges, completed ones, countries involved, average usefulness."""
    wanted = ids(filters)
    total = db.session.scalar(select(func.count()).select_from(wanted.subquery())) or 0
    completed = db.session.scalar(
        select(func.count(Exchange.id)).where(
            Exchange.id.in_(wanted), Exchange.state.in_(DONE_STATES)
        )
    )
    requesters = (
        select(Organisation.country_code)
        .join(Need, Need.organisation_id == Organisation.id)
        .join(Exchange, Exchange.need_id == Need.id)
        .where(Exchange.id.in_(wanted))
    )
    providers = (
        select(Organisation.country_code)
        .join(ExchangeProvider, ExchangeProvider.organisation_id == Organisation.id)
        .where(ExchangeProvider.exchange_id.in_(wanted))
    )
    countries = db.session.scalar(
        select(func.count()).select_from(union(requesters, providers).subquery())
    )
    average, ratings = db.session.execute(
        select(func.avg(Evaluation.usefulness), func.count(Evaluation.id)).where(
            Evaluation.exchange_id.in_(wanted)
        )
    ).one()
    return Summary(
        exchanges=total,
        completed=completed or 0,
        countries=countries or 0,
        average_rating=round(float(average), 2) if average is not None else None,
        ratings=ratings or 0,
    )


def charts(filters: Filters) -> dict[str, list[Bar]]:
    """Exchanges per ILO region (of the requester), theme, modality, year, facilitating partner."""
    wanted = ids(filters)
    count = func.count(func.distinct(Exchange.id))
    by_region = db.session.execute(
        select(Country.ilo_region, count)
        .join(Organisation, Organisation.country_code == Country.iso3)
        .join(Need, Need.organisation_id == Organisation.id)
        .join(Exchange, Exchange.need_id == Need.id)
        .where(Exchange.id.in_(wanted))
        .group_by(Country.ilo_region)
    ).all()
    by_theme = db.session.execute(
        select(Theme.code, count)
        .join(need_themes, need_themes.c.theme_code == Theme.code)
        .join(Exchange, Exchange.need_id == need_themes.c.need_id)
        .where(Exchange.id.in_(wanted))
        .group_by(Theme.code)
    ).all()
    language = current_language()
    theme_names = {t.code: t.name(language) for t in db.session.scalars(select(Theme))}
    by_modality = db.session.execute(
        select(Exchange.modality, count).where(Exchange.id.in_(wanted)).group_by(Exchange.modality)
    ).all()
    by_year = db.session.execute(
        select(exchange_year, count).where(Exchange.id.in_(wanted)).group_by(exchange_year)
    ).all()
    by_facilitator = db.session.execute(
        select(Organisation.name, count)
        .select_from(Exchange)
        .outerjoin(Organisation, Exchange.facilitator_id == Organisation.id)
        .where(Exchange.id.in_(wanted))
        .group_by(Organisation.name)
    ).all()

    def ranked(rows: Any, label: Any) -> list[Bar]:
        return _bars(sorted(((label(key), n) for key, n in rows), key=lambda r: (-r[1], r[0])))

    return {
        "region": ranked(by_region, lambda key: str(ILO_REGION_LABELS.get(key, key))),
        "theme": ranked(by_theme, lambda key: theme_names.get(key, key)),
        "modality": ranked(by_modality, lambda key: str(MODALITY_LABELS.get(key, key))),
        "year": _bars(sorted(((str(int(y)), n) for y, n in by_year if y is not None))),
        "facilitator": ranked(by_facilitator, lambda key: key or str(NO_FACILITATOR)),
    }


@dataclass(frozen=True)
class Flow:
    """Exchanges in which organisations of one country shared expertise with another's."""

    provider: str
    provider_name: str
    requester: str
    requester_name: str
    count: int
    path: str
    width: float


@dataclass(frozen=True)
class WorldMap:
    width: float
    height: float
    shapes: list[tuple[geometry.Shape, bool]]  # (outline, involved in a shown exchange)
    flows: list[Flow]


def world_map(filters: Filters, data_dir: Path) -> WorldMap:
    """Outlines of the world, involved countries marked, and one arc per country pair."""
    wanted = ids(filters)
    provider, requester = aliased(Organisation), aliased(Organisation)
    pairs = db.session.execute(
        select(
            provider.country_code, requester.country_code, func.count(func.distinct(Exchange.id))
        )
        .select_from(ExchangeProvider)
        .join(provider, ExchangeProvider.organisation_id == provider.id)
        .join(Exchange, ExchangeProvider.exchange_id == Exchange.id)
        .join(Need, Exchange.need_id == Need.id)
        .join(requester, Need.organisation_id == requester.id)
        .where(Exchange.id.in_(wanted))
        .group_by(provider.country_code, requester.country_code)
    ).all()
    involved = {code for pair in pairs for code in pair[:2]}
    countries = {c.iso3: c for c in db.session.scalars(select(Country))}
    language = current_language()
    positions = {
        iso3: (c.longitude, c.latitude)
        for iso3, c in countries.items()
        if c.longitude is not None and c.latitude is not None
    }
    arcs = geometry.flow_arcs(((p, r, n) for p, r, n in pairs), positions)
    flows = [
        Flow(
            a.source,
            countries[a.source].name(language),
            a.target,
            countries[a.target].name(language),
            a.count,
            a.path,
            a.width,
        )
        for a in arcs
    ]
    involved_numeric = {countries[c].numeric for c in involved if c in countries}
    shapes = geometry.world_shapes(data_dir / "world" / "countries-110m.json")
    return WorldMap(
        geometry.WIDTH,
        geometry.HEIGHT,
        [(shape, shape.numeric in involved_numeric) for shape in shapes],
        flows,
    )
