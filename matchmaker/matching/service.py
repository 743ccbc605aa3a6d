"""Matches for a need, and for an ad-hoc need of the CLI, from the app's ranking index.

The index lives in ``matchmaker.matching.index``: one per app (per worker process), kept
current from the change log in the database, so every worker and host sees each change.
"""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app
from flask_babel import gettext as _

from matchmaker import access
from matchmaker.engine.embeddings import Encoder, UniversalSentenceEncoder
from matchmaker.engine.records import NeedQuery
from matchmaker.errors import Forbidden, Invalid, NotFound
from matchmaker.extensions import db
from matchmaker.matching.bridge import need_query
from matchmaker.matching.index import IndexHolder
from models import Country, Need, User

if TYPE_CHECKING:  # imported where used: scikit-learn takes seconds to import
    import numpy as np

    from matchmaker.engine.ranker import Matcher, Ranking

_encoder: Encoder | None = None
_holders = threading.Lock()


def encoder() -> Encoder:
    global _encoder
    if _encoder is None:
        _encoder = UniversalSentenceEncoder()
    return _encoder


def holder(app: Flask | None = None) -> IndexHolder:
    """The app's index holder, persisted as instance/index/<hash of the database URL>."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    with _holders:
        if "matchmaker.index" not in app.extensions:
            url = db.engines[None].url.render_as_string(hide_password=False)
            name = hashlib.sha256(url.encode()).hexdigest()[:16]
            path = Path(app.instance_path) / "index" / f"{name}.pickle"
            app.extensions["matchmaker.index"] = IndexHolder(app, path, encoder)
    return app.extensions["matchmaker.index"]


def start_index(app: Flask) -> None:
    """Build or load the index in the background as a server starts, before the first call."""
    with app.app_context():
        holder(app).start()


def build_index() -> int:
    """Compute the missing embeddings and build and persist the index (at init): its offers."""
    live = holder().current(wait=True)
    return 0 if live is None else int(live.matcher.catalogue_.live.sum())


def matcher() -> Matcher | None:
    """The app's current index, or None when there is nothing to rank yet; rank with
    ``rank`` where other threads may update it meanwhile."""
    live = holder().current()
    return None if live is None else live.matcher


def rank(
    query: NeedQuery,
    *,
    top: int = 10,
    include_own_country: bool = False,
    embedding: Future[np.ndarray] | None = None,
    wait: bool = False,
) -> Ranking:
    """Rank with the app's index, in turn with its in-place updates; `embedding`: the
    query's, being computed; `wait`: see ``IndexHolder.current``."""
    live = holder().current(wait=wait)
    if live is None:
        raise NotFound(_("There are no published offers to match yet."))
    unknown = set(query.themes) - set(live.matcher.theme_pillars)
    if unknown:
        raise Invalid(
            f"Unknown theme(s): {', '.join(sorted(unknown))}.", fields={"theme": _("Unknown.")}
        )
    return live.remembered(
        (query, top, include_own_country),
        lambda matcher: matcher.rank(
            query,
            top=top,
            include_own_country=include_own_country,
            embedding=None if embedding is None else embedding.result()[0],
        ),
    )


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
        raise Forbidden(_("Only the need's organisation and coordinators see its matches."))
    if not 1 <= top <= 50:
        raise Invalid(_("top must be between 1 and 50."), fields={"top": _("Out of range.")})
    ranking = rank(need_query(need), top=top, include_own_country=include_own_country)
    return NeedMatches(need, ranking)


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
            fields={"country": _("Unknown.")},
        )
    if not text.strip():
        raise Invalid(_("Give the need's text."), fields={"text": _("Required.")})
    query = NeedQuery(
        text=text,
        country=country,
        language=language,
        themes=themes,
        languages=(language,) if language else (),
    )
    with ThreadPoolExecutor(1) as pool:  # the encoder loads while the index does
        embedding = pool.submit(encoder().encode, [text])
        return rank(
            query, top=top, include_own_country=include_own_country, embedding=embedding, wait=True
        )
