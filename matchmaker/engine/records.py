"""The plain records the engine works on; the app's bridge builds them from database rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CountryInfo:
    """What matching needs to know of a country."""

    iso3: str
    ilo_region: str
    subregion: str
    intermediate_region: str | None = None
    income_group: str | None = None  # low, lower_middle, upper_middle, high
    south_south_peer: bool = True  # False for OECD-DAC members: triangular facilitators


@dataclass(frozen=True)
class Provider:
    """An organisation that offers expertise."""

    id: int
    name: str
    country: str
    constituent_type: str = "government"
    working_languages: tuple[str, ...] = ()
    needed_themes: tuple[str, ...] = ()  # themes it wants to learn: for reciprocity


@dataclass(frozen=True)
class Offer:
    """One piece of expertise; several may belong to one provider."""

    id: int
    provider_id: int
    title: str
    text: str  # title, description and evidence, as the text signal reads them
    language: str | None = None
    themes: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # languages the exchange can run in
    capacity: int = 2  # exchanges per year


@dataclass(frozen=True)
class PastExchange:
    """A completed exchange: the track record of its providers."""

    provider_ids: tuple[int, ...]
    themes: tuple[str, ...]
    rating: float | None = None  # mean usefulness 1-5 from evaluations, None if not evaluated
    requester_country: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class NeedQuery:
    """A need to match: its text, the requester's country and what it wants."""

    text: str
    country: str
    language: str | None = None
    themes: tuple[str, ...] = ()  # empty: inferred from the text
    languages: tuple[str, ...] = ()  # languages the requester can work in
    requester_id: int | None = None
    offered_themes: tuple[str, ...] = ()  # what the requester itself offers: for reciprocity


@dataclass(frozen=True)
class OfferMatch:
    offer_id: int
    title: str
    score: float


@dataclass(frozen=True)
class Match:
    """One ranked organisation with its best offers and why it ranks where it does."""

    provider_id: int
    name: str
    country: str
    score: float
    offers: tuple[OfferMatch, ...]
    triangular: bool
    explanation: dict[str, object] = field(compare=False)


@dataclass(frozen=True)
class ThemeSpec:
    """A theme of the taxonomy as plain data, so that the engine needs neither files nor database.

    ``keywords`` maps a language code to phrases; ``names`` (language code to name) are
    matched as extra phrases.
    """

    code: str
    pillar: str
    keywords: Mapping[str, Sequence[str]]
    names: Mapping[str, str] = field(default_factory=dict)
