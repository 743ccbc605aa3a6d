"""Counts for `matchmaker stats` and the dashboards."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.knowledge.vocabulary import NEED_STATUSES, OFFER_STATUSES
from models import Exchange, Need, Offer, Organisation, User
from models.exchange import EXCHANGE_STATES
from models.user import ROLES


def _grouped(column: Any, keys: tuple[str, ...]) -> dict[str, int]:
    counts = dict.fromkeys(keys, 0)
    for key, count in db.session.execute(select(column, func.count()).group_by(column)):
        counts[key] = count
    return counts


def summary() -> dict[str, Any]:
    return {
        "organisations": db.session.scalar(select(func.count(Organisation.id))) or 0,
        "countries": db.session.scalar(select(func.count(func.distinct(Organisation.country_code))))
        or 0,
        "users": _grouped(User.role, ROLES),
        "needs": _grouped(Need.status, NEED_STATUSES),
        "offers": _grouped(Offer.status, OFFER_STATUSES),
        "exchanges": _grouped(Exchange.state, EXCHANGE_STATES),
    }
