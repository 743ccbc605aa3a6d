"""Contact details of an exchange's parties: shown only to its counterparts and coordinators."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from matchmaker import access
from matchmaker.exchanges.notifications import party_organisation_ids
from matchmaker.exchanges.services import can_view
from matchmaker.extensions import db
from models import Exchange, Organisation, User


@dataclass(frozen=True)
class Contact:
    organisation: str
    name: str
    email: str


def visible_contacts(actor: User | None, exchange: Exchange) -> list[Contact]:
    """Members of every party, once the exchange is proposed (coordinators: always)."""
    if not can_view(actor, exchange):
        return []
    if exchange.state == "draft" and not access.is_staff(actor):
        return []
    organisation_ids = party_organisation_ids(exchange)
    rows = db.session.execute(
        select(Organisation.name, User.display_name, User.email)
        .join(User, User.organisation_id == Organisation.id)
        .where(Organisation.id.in_(organisation_ids), User.active.is_(True))
        .order_by(Organisation.name, User.display_name)
    )
    return [Contact(*row) for row in rows]
