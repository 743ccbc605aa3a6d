"""Who hears about an exchange's step: an in-app notification and an e-mail in the outbox,
written in the same transaction as the step (so a step is never lost to a mail failure)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from matchmaker.extensions import db
from models import Exchange, Notification, OutboxMessage, User

# States in which coordinators must act next, so they hear about them too.
COORDINATOR_STATES = frozenset({"proposed", "accepted", "declined", "evaluated"})


def _recipients(exchange: Exchange, actor: User, state: str) -> list[User]:
    organisation_ids = {
        exchange.need.organisation_id,
        *(p.organisation_id for p in exchange.providers),
    }
    if exchange.facilitator_id:
        organisation_ids.add(exchange.facilitator_id)
    query = select(User).where(User.active.is_(True), User.organisation_id.in_(organisation_ids))
    if state in COORDINATOR_STATES:
        query = (
            select(User)
            .where(User.active.is_(True))
            .where(
                User.organisation_id.in_(organisation_ids) | User.role.in_(("coordinator", "admin"))
            )
        )
    return [user for user in db.session.scalars(query) if user.id != actor.id]


def exchange_changed(exchange: Exchange, actor: User, action: str, state: str) -> None:
    verb = action.replace("_", " ")
    message = (
        f"{actor.display_name}: {verb} — “{exchange.title}” is now {state.replace('_', ' ')}."
    )[:500]
    link = f"{current_app.config['BASE_URL'].rstrip('/')}/exchanges/{exchange.id}"
    for user in _recipients(exchange, actor, state):
        db.session.add(Notification(user_id=user.id, exchange_id=exchange.id, message=message))
        db.session.add(
            OutboxMessage(
                recipient=user.email,
                subject=f"[Matchmaker] {exchange.title[:150]}: {verb}",
                body=f"Hello {user.display_name},\n\n{message}\n\nSee the exchange: {link}\n",
            )
        )


def unread_count(user: User) -> int:
    from sqlalchemy import func

    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )
