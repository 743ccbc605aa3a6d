"""Who hears about an exchange's step: an in-app notification and an e-mail in the outbox,
written in the same transaction as the step (so a step is never lost to a mail failure)."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from matchmaker.extensions import db
from models import Exchange, ExchangeEvent, Notification, OutboxMessage, User

# States in which coordinators must act next, so they hear about them too.
COORDINATOR_STATES = frozenset({"proposed", "accepted", "declined", "evaluated"})


def party_organisation_ids(exchange: Exchange) -> set[int]:
    """The requester, the providers and the facilitator, if any."""
    organisation_ids = {
        exchange.need.organisation_id,
        *(p.organisation_id for p in exchange.providers),
    }
    if exchange.facilitator_id:
        organisation_ids.add(exchange.facilitator_id)
    return organisation_ids


def _recipients(exchange: Exchange, actor: User, state: str) -> list[User]:
    organisation_ids = party_organisation_ids(exchange)
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


def exchange_changed(exchange: Exchange, actor: User, event: ExchangeEvent) -> None:
    action, state = event.action, event.to_state
    verb = action.replace("_", " ")
    message = (
        f"{actor.display_name}: {verb} — “{exchange.title}” is now {state.replace('_', ' ')}."
    )[:500]
    link = f"{current_app.config['BASE_URL'].rstrip('/')}/exchanges/{exchange.id}"
    for user in _recipients(exchange, actor, state):
        db.session.add(
            Notification(
                user_id=user.id, exchange_id=exchange.id, event_id=event.id, message=message
            )
        )
        db.session.add(
            OutboxMessage(
                recipient=user.email,
                subject=f"[Matchmaker] {exchange.title[:150]}: {verb}",
                body=f"Hello {user.display_name},\n\n{message}\n\nSee the exchange: {link}\n",
            )
        )


def notification_text(notification: Notification) -> str:
    """What the reader sees: an exchange's step in their language, else the stored text."""
    from matchmaker.labels import action_label, label  # labels reads the workflow's table

    event, exchange = notification.event, notification.exchange
    if event is None or exchange is None:
        return notification.message
    return _(
        "%(actor)s: %(action)s — “%(title)s” is now %(state)s.",
        actor=event.actor_name,
        action=action_label(event.action),
        title=exchange.title,
        state=label(event.to_state),
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
