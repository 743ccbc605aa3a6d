"""The coordinator's inbox: exchanges waiting for someone, with overdue marks and filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from models import Country, Exchange, Need, Organisation, Theme
from models.base import as_utc, utcnow

# state -> (who is expected to act, days after which the wait is overdue)
WAITING = {
    "proposed": ("providers", 14),
    "accepted": ("coordinator", 7),
    "under_review": ("coordinator", 14),
    "approved": ("scheduling", 30),
    "completed": ("evaluations", 30),
    "evaluated": ("coordinator", 14),
}


@dataclass(frozen=True)
class InboxItem:
    exchange: Exchange
    waiting_for: str
    days_waiting: int
    overdue: bool


def items(
    *,
    region: str = "",
    theme: str = "",
    state: str = "",
    min_age_days: int = 0,
    now: datetime | None = None,
) -> list[InboxItem]:
    """Exchanges waiting on someone, oldest wait first, optionally filtered."""
    now = now or utcnow()
    query = (
        select(Exchange)
        .join(Need)
        .join(Organisation)
        .join(Country)
        .where(Exchange.state.in_(state and [state] or list(WAITING)))
        .options(
            selectinload(Exchange.need).selectinload(Need.organisation),
            selectinload(Exchange.providers),
        )
        .order_by(Exchange.updated_at)
    )
    if region:
        query = query.where(Country.ilo_region == region)
    if theme:
        query = query.where(Need.themes.any(Theme.code == theme))
    result = []
    for exchange in db.session.scalars(query):
        if exchange.state not in WAITING:
            continue
        waiting_for, limit = WAITING[exchange.state]
        days = (now - as_utc(exchange.updated_at)).days
        if days < min_age_days:
            continue
        result.append(InboxItem(exchange, waiting_for, days, days >= limit))
    return result


def overdue_since(state: str) -> timedelta:
    return timedelta(days=WAITING[state][1])
