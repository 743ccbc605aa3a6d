"""Matches for a need, and for an ad-hoc need of the CLI, from the app's ranking index.

The index lives in ``matchmaker.matching.index``: one per app (per worker process), kept
current from the change log in the database, so every worker and host sees each change.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from matchmaker import access
from matchmaker.engine.embeddings import Encoder, UniversalSentenceEncoder
from matchmaker.engine.records import NeedQuery
from matchmaker.errors import Forbidden, Invalid, NotFound
from matchmaker.extensions import db
from matchmaker.matching.bridge import need_query
from matchmaker.matching.index import IndexHolder, LiveIndex
from matchmaker.memo import Row, app_memo, revive, snapshot
from models import Country, Need, Organisation, User

if TYPE_CHECKING:  # imported where used: scikit-learn takes seconds to import
    import numpy as np

    from matchmaker.engine.ranker import Matcher, Ranking

T = TypeVar("T")
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
    return _live(wait).remembered(
        (query, top, include_own_country),
        lambda matcher: _ranked(matcher, query, top, include_own_country, embedding),
    )


def _ranked(
    matcher: Matcher,
    query: NeedQuery,
    top: int,
    include_own_country: bool,
    embedding: Future[np.ndarray] | None = None,
) -> Ranking:
    unknown = set(query.themes) - set(matcher.theme_pillars)
    if unknown:
        raise Invalid(
            f"Unknown theme(s): {', '.join(sorted(unknown))}.", fields={"theme": _("Unknown.")}
        )
    return matcher.rank(
        query,
        top=top,
        include_own_country=include_own_country,
        embedding=None if embedding is None else embedding.result()[0],
    )


def _live(wait: bool = False) -> LiveIndex:
    live = holder().current(wait=wait)
    if live is None:
        raise NotFound(_("There are no published offers to match yet."))
    return live


@dataclass(frozen=True)
class NeedMatches:
    need: Need
    ranking: Ranking
    index: LiveIndex = field(repr=False)
    key: Hashable = field(repr=False)  # what the ranking is remembered under

    def derived(self, name: str, compute: Callable[[], T]) -> T:
        """A value made from the ranking alone (the API's body), kept with it."""
        return self.index.remembered((self.key, name), lambda _matcher: compute())


def matches_for_need(
    actor: User | None, need_id: int, *, top: int = 10, include_own_country: bool = False
) -> NeedMatches:
    """Ranked partners for a need, for its organisation's members and coordinators."""
    rows = app_memo("needs", ("needs", "organisations")).get(need_id, lambda: _need_rows(need_id))
    found = None
    if rows is not None:
        found = revive(db.session, rows[0])
        set_committed_value(found, "organisation", revive(db.session, rows[1]))
    need = access.require_view_entry(actor, found, "need")
    if not (access.is_member_of(actor, need.organisation) or access.is_staff(actor)):
        raise Forbidden(_("Only the need's organisation and coordinators see its matches."))
    if not 1 <= top <= 50:
        raise Invalid(_("top must be between 1 and 50."), fields={"top": _("Out of range.")})
    # Kept under the need's id and last edit until the index changes: a repeated call (the
    # API polled, a page reloaded) skips reading the need's themes and ranking again.
    live = _live()
    key = ("need", need.id, need.updated_at, top, include_own_country)
    ranking = live.remembered(
        key, lambda matcher: _ranked(matcher, need_query(need), top, include_own_country)
    )
    return NeedMatches(need, ranking, live, key)


def _need_rows(need_id: int) -> tuple[Row[Need], Row[Organisation]] | None:
    need = db.session.get(  # the organisation in the same query, without its country
        Need, need_id, options=[joinedload(Need.organisation).lazyload(Organisation.country)]
    )
    return None if need is None else (snapshot(need), snapshot(need.organisation))


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
