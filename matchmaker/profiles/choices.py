"""Choices for select boxes, drawn from the reference tables."""

from __future__ import annotations

from sqlalchemy import select

from matchmaker.extensions import db
from models import Country, Theme

ILO_REGION_LABELS = {
    "africa": "Africa",
    "americas": "Americas",
    "arab_states": "Arab States",
    "asia_pacific": "Asia and the Pacific",
    "europe_central_asia": "Europe and Central Asia",
}


def country_choices(blank: str = "—") -> list[tuple[str, str]]:
    countries = db.session.scalars(select(Country)).all()
    return [("", blank)] + sorted(((c.iso3, c.name()) for c in countries), key=lambda c: c[1])


def theme_choices() -> list[tuple[str, str]]:
    themes = db.session.scalars(select(Theme).order_by(Theme.pillar, Theme.code)).all()
    return [(t.code, t.name()) for t in themes]


def theme_names(language: str = "en") -> dict[str, str]:
    return {t.code: t.name(language) for t in db.session.scalars(select(Theme))}
