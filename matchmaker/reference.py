"""Keeps the countries and themes tables equal to the knowledge files and packages."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.knowledge.countries import load_countries
from matchmaker.knowledge.themes import load_themes
from models import Country, Theme


def sync_reference_data() -> tuple[int, int]:
    """Upsert every country and theme (idempotent); returns (countries, themes)."""
    existing_countries = {c.iso3: c for c in db.session.scalars(select(Country))}
    countries = load_countries()
    for facts in countries:
        values = dataclasses.asdict(facts)
        values["official_languages"] = list(values["official_languages"])
        row = existing_countries.get(facts.iso3) or Country(iso3=facts.iso3)
        for field, value in values.items():
            setattr(row, field, value)
        db.session.add(row)
    existing_themes = {t.code: t for t in db.session.scalars(select(Theme))}
    themes = load_themes()
    for theme in themes:
        row = existing_themes.get(theme.code) or Theme(code=theme.code)
        row.pillar = theme.pillar
        row.names = dict(theme.names)
        row.description = dict(theme.description)
        row.keywords = {language: list(words) for language, words in theme.keywords.items()}
        row.sdg_targets = list(theme.sdg_targets)
        row.crs_codes = list(theme.crs_codes)
        db.session.add(row)
    db.session.flush()
    return len(countries), len(themes)
