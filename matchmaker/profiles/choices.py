"""Choices for select boxes, drawn from the reference tables."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.i18n import current_language
from models import Country, Theme

ILO_REGION_LABELS = {
    "africa": _l("Africa"),
    "americas": _l("Americas"),
    "arab_states": _l("Arab States"),
    "asia_pacific": _l("Asia and the Pacific"),
    "europe_central_asia": _l("Europe and Central Asia"),
}


def _sort_key(name: str) -> str:
    """Alphabetical order as readers expect it: "Égypte" among the E, not after "Zambie"."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def country_choices(blank: str = "—") -> list[tuple[str, str]]:
    """Countries named in the reader's language, in that language's alphabetical order."""
    language = current_language()
    countries = db.session.scalars(select(Country)).all()
    named = ((c.iso3, c.name(language)) for c in countries)
    return [("", blank)] + sorted(named, key=lambda c: _sort_key(c[1]))


def theme_choices() -> list[tuple[str, str]]:
    themes = db.session.scalars(select(Theme).order_by(Theme.pillar, Theme.code)).all()
    language = current_language()
    return [(t.code, t.name(language)) for t in themes]


def theme_names() -> dict[str, str]:
    language = current_language()
    return {t.code: t.name(language) for t in db.session.scalars(select(Theme))}
