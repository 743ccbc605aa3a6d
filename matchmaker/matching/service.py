"""Matches for a need: one cached index per process, rebuilt when the data changes.

The index version is read from the database on each call (one cheap aggregate), so every
worker and host notices a change on its next request and rebuilds its own copy.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import func, select

from matchmaker import access
from matchmaker.engine.embeddings import Encoder, UniversalSentenceEncoder
from matchmaker.engine.ranker import Matcher, Ranking
from matchmaker.engine.records import NeedQuery
from matchmaker.engine.text import TextRelevance
from matchmaker.engine.themes import ThemeTagger
from matchmaker.errors import Forbidden, Invalid, NotFound
from matchmaker.extensions import db
from matchmaker.matching import bridge
from models import Country, Exchange, Need, Offer, Organisation, User

_lock = threading.Lock()
_cache: dict[str, tuple[tuple[object, ...], Matcher]] = {}
_encoder: Encoder | None = None


def encoder() -> Encoder:
    global _encoder
    if _encoder is None:
        _encoder = UniversalSentenceEncoder()
    return _encoder


def index_version() -> tuple[object, ...]:
    """Changes whenever an offer, an organisation or an exchange changes."""
    offers = db.session.execute(select(func.count(Offer.id), func.max(Offer.updated_at))).one()
    orgs = db.session.execute(
        select(func.count(Organisation.id), func.max(Organisation.updated_at))
    ).one()
    exchanges = db.session.execute(
        select(func.count(Exchange.id), func.max(Exchange.updated_at))
    ).one()
    return (*offers, *orgs, *exchanges)


def matcher() -> Matcher | None:
    """The current index, or None when there is nothing to rank yet."""
    key = str(db.engine.url)
    version = index_version()
    cached = _cache.get(key)
    if cached and cached[0] == version:
        return cached[1]
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == version:
            return cached[1]
        world = bridge.load_world()
        if not world.offers:
            return None
        vectors = bridge.embeddings_for(world.offers, world.texts, encoder())
        db.session.commit()  # keep the embeddings computed, even on a read request
        specs = world.theme_specs
        built = Matcher(
            theme_pillars={s.code: s.pillar for s in specs},
            text=TextRelevance(encoder()),
            tagger=ThemeTagger().fit(specs),
        ).fit(world.offers, world.providers, world.countries, world.history, world.load, vectors)
        _cache[key] = (version, built)
        return built


def refresh_embeddings() -> int:
    """Compute and store embeddings of every rankable offer (at init); returns their number."""
    world = bridge.load_world()
    if world.offers:
        bridge.embeddings_for(world.offers, world.texts, encoder())
    return len(world.offers)


@dataclass(frozen=True)
class NeedMatches:
    need: Need
    ranking: Ranking


def matches_for_need(
    actor: User | None, need_id: int, *, top: int = 10, include_own_country: bool = False
) -> NeedMatches:
    """Ranked partners for a need, for its organisation's members and coordinators."""
    need = access.require_view_entry(actor, db.session.get(Need, need_id), "need")
    if not (access.is_member_of(actor, need.organisation) or access.is_staff(actor)):
        raise Forbidden("Only the need's organisation and coordinators see its matches.")
    if not 1 <= top <= 50:
        raise Invalid("top must be between 1 and 50.", fields={"top": "Out of range."})
    index = matcher()
    if index is None:
        raise NotFound("There are no published offers to match yet.")
    ranking = index.rank(bridge.need_query(need), top=top, include_own_country=include_own_country)
    return NeedMatches(need, ranking)  # type: ignore[arg-type]


def rank_text(
    *,
    country: str,
    text: str,
    themes: tuple[str, ...] = (),
    language: str | None = None,
    top: int = 10,
    include_own_country: bool = False,
) -> Ranking:
    """Ranking for an ad-hoc need (CLI); the requester's own country is left out by default."""
    country = country.upper()
    if db.session.get(Country, country) is None:
        raise Invalid(
            f"Unknown country {country!r}: use an ISO 3166 alpha-3 code.",
            fields={"country": "Unknown."},
        )
    if not text.strip():
        raise Invalid("Give the need's text.", fields={"text": "Required."})
    index = matcher()
    if index is None:
        raise NotFound("There are no published offers to match yet.")
    unknown = set(themes) - set(index.theme_pillars)
    if unknown:
        raise Invalid(
            f"Unknown theme(s): {', '.join(sorted(unknown))}.", fields={"theme": "Unknown."}
        )
    query = NeedQuery(
        text=text,
        country=country,
        language=language,
        themes=themes,
        languages=(language,) if language else (),
    )
    return index.rank(query, top=top, include_own_country=include_own_country)
