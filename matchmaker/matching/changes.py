"""The log of changes to what the engine ranks, written in the same transaction as the change.

Every flush that creates, edits or deletes an offer appends one row per offer; a change to an
organisation, an evaluation, or an exchange in a state that counts towards a provider's load or
track record (a transition into or out of one, recorded by its audit row) appends one row
without an offer, which asks for a rebuild. Drafts and proposals count for neither, so creating
and proposing exchanges never makes the processes rebuild. A process's index remembers the last
row it absorbed: comparing it with the log's tip (one indexed query) tells it whether to catch
up.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Select, event, func, insert, inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from matchmaker.matching.bridge import ACTIVE_STATES, HISTORY_STATES
from models import Evaluation, Exchange, ExchangeEvent, IndexChange, Offer, Organisation
from models.base import utcnow

WIDER = (Organisation, Evaluation, Exchange, ExchangeEvent)  # changes that may ask for a rebuild
RANKED_STATES = frozenset(ACTIVE_STATES + HISTORY_STATES)  # exchanges the engine reads
# Rows re-read behind the tip: on PostgreSQL a transaction can commit after a later one, so a
# row may appear below the tip already absorbed; it is found there and absorbed once.
LOOKBACK = 1000


@dataclass(frozen=True)
class Version:
    """The log's tip: its last row (id and random token), and how many rows lie near it (a
    transaction that commits late adds one there)."""

    last_id: int
    token: str
    rows: int


@dataclass(frozen=True)
class Changes:
    """What happened since a version: the offers to re-read, or None when a rebuild is due."""

    offer_ids: set[int] | None
    change_ids: set[int]


def _tip_query() -> Select[tuple[int, str, int]]:
    tip = (
        select(IndexChange.id, IndexChange.token)
        .order_by(IndexChange.id.desc())
        .limit(1)
        .subquery()
    )
    near = (
        select(func.count())
        .where(IndexChange.id > tip.c.id - LOOKBACK)
        .correlate(tip)
        .scalar_subquery()
    )
    return select(tip.c.id, tip.c.token, near)


TIP = _tip_query()  # built once: every call of the match API asks for the tip


def current_version(session: Session) -> Version:
    """The tip and the rows near it, in one query on the session's connection."""
    last = session.connection().execute(TIP).first()
    if last is None:
        return Version(0, "", 0)
    return Version(last[0], last[1], last[2] or 0)


def recent_change_ids(session: Session, version: Version) -> set[int]:
    """The ids of the log's rows near its tip, which an index built at `version` has absorbed."""
    return set(
        session.scalars(
            select(IndexChange.id).where(
                IndexChange.id > version.last_id - LOOKBACK, IndexChange.id <= version.last_id
            )
        )
    )


def changes_since(session: Session, version: Version, absorbed: set[int], limit: int) -> Changes:
    """The rows after `version` (and those near it not yet `absorbed`): more than `limit`
    offers, or any wider change, ask for a rebuild."""
    rows = session.execute(
        select(IndexChange.id, IndexChange.offer_id).where(
            IndexChange.id > version.last_id - LOOKBACK
        )
    ).all()
    fresh = {change_id: offer_id for change_id, offer_id in rows if change_id not in absorbed}
    offer_ids = set(fresh.values())
    if None in offer_ids or len(offer_ids) > limit:
        return Changes(None, set(fresh))
    return Changes(offer_ids, set(fresh))  # type: ignore[arg-type]


def _touches_ranked_exchanges(instance: object) -> bool:
    """Whether an exchange or its audit row puts an exchange into or out of a ranked state.

    Transitions are compare-and-set UPDATEs that the session does not see; their audit row
    (always written with them) says which states they joined."""
    if isinstance(instance, ExchangeEvent):
        return bool({instance.from_state, instance.to_state} & RANKED_STATES)
    if isinstance(instance, Exchange):
        states = {instance.state, *inspect(instance).attrs.state.history.deleted}
        return bool(states & RANKED_STATES)
    return True


@event.listens_for(Session, "after_flush")
def _log_changes(session: Session, _context: UOWTransaction) -> None:
    offer_ids: set[int | None] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(instance, (Offer, *WIDER)) or not _touches_ranked_exchanges(instance):
            continue
        offer = isinstance(instance, Offer)  # an organisation's collections are its offers'
        if instance in session.dirty and not session.is_modified(
            instance, include_collections=offer
        ):
            continue
        offer_ids.add(instance.id if offer else None)
    if offer_ids:
        token, now = uuid.uuid4().hex, utcnow()
        session.connection().execute(  # Core, on the flush's connection: no second flush
            insert(IndexChange.__table__),
            [{"offer_id": i, "token": token, "created_at": now} for i in offer_ids],
        )
