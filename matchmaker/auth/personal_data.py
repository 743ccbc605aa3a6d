"""A person's own data: downloaded as JSON on request, erased when they delete their account.

What is kept and what is erased follows the inventory in matchmaker/privacy.py: contact details
and credentials go; the audit trail stays, naming a pseudonym.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from matchmaker.auth.services import require_password, rotate_session
from matchmaker.errors import Conflict
from matchmaker.extensions import db
from models import (
    ApiToken,
    Evaluation,
    ExchangeEvent,
    Invitation,
    Notification,
    OutboxMessage,
    User,
    VerificationDecision,
)
from models.base import utcnow

ERASED_DOMAIN = "erased.invalid"  # RFC 2606: can never receive mail
NO_HASH = "!erased"  # not an Argon2 hash: no password verifies against it
ERASED_BODY = "[erased when the recipient deleted their account]"


def _at(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export(user: User) -> dict[str, Any]:
    """Everything held about this person, and nothing about anyone else."""
    organisation = user.organisation
    return {
        "exported_at": utcnow().isoformat(),
        "user": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "role": user.role,
            "active": user.active,
            "created_at": _at(user.created_at),
            "last_login_at": _at(user.last_login_at),
            "password_changed_at": _at(user.password_changed_at),
        },
        "memberships": [
            {
                "organisation_id": organisation.id,
                "organisation": organisation.name,
                "country": organisation.country_code,
                "role": user.role,
            }
        ]
        if organisation
        else [],
        "api_tokens": [
            {
                "name": t.name,
                "created_at": _at(t.created_at),
                "expires_at": _at(t.expires_at),
                "last_used_at": _at(t.last_used_at),
                "revoked_at": _at(t.revoked_at),
            }
            for t in _all(select(ApiToken).where(ApiToken.user_id == user.id))
        ],
        "notifications": [
            {
                "exchange_id": n.exchange_id,
                "message": n.message,
                "created_at": _at(n.created_at),
                "read_at": _at(n.read_at),
            }
            for n in _all(select(Notification).where(Notification.user_id == user.id))
        ],
        "audit_events": [
            {
                "exchange_id": e.exchange_id,
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "as": e.actor_name,
                "comment": e.comment,
                "at": _at(e.at),
            }
            for e in _all(select(ExchangeEvent).where(ExchangeEvent.actor_id == user.id))
        ],
        "evaluations": [
            {
                "exchange_id": e.exchange_id,
                "usefulness": e.usefulness,
                "results_achieved": e.results_achieved,
                "will_apply": e.will_apply,
                "created_at": _at(e.created_at),
            }
            for e in _all(select(Evaluation).where(Evaluation.author_id == user.id))
        ],
        "verification_decisions": [
            {
                "organisation_id": d.organisation_id,
                "decision": d.decision,
                "reason": d.reason,
                "at": _at(d.decided_at),
            }
            for d in _all(
                select(VerificationDecision).where(VerificationDecision.decided_by_id == user.id)
            )
        ],
        "invitations_received": [
            {
                "organisation_id": i.organisation_id,
                "created_at": _at(i.created_at),
                "accepted_at": _at(i.accepted_at),
            }
            for i in _all(select(Invitation).where(Invitation.email == user.email))
        ],
    }


def _all(query: Any) -> list[Any]:
    return list(db.session.scalars(query.order_by("id")))


def erase(user: User, current_password: str) -> str:
    """Delete the account (re-authenticated): contact details and credentials go, the audit
    trail keeps a pseudonym; returns the pseudonym."""
    require_password(user, current_password)
    if user.role == "admin" and not _other_active_admins(user):
        raise Conflict(
            _(
                "You are the last administrator: make someone else an administrator "
                "before deleting your account."
            )
        )
    old_email, old_name = user.email, user.display_name
    suffix = secrets.token_hex(4)
    pseudonym = f"Former user {suffix}"
    user.email = f"erased-{user.id}-{suffix}@{ERASED_DOMAIN}"
    user.display_name = pseudonym
    user.password_hash = NO_HASH
    user.active = False
    user.last_login_at = None
    user.password_changed_at = None
    rotate_session(user)
    session = db.session
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    session.execute(delete(Notification).where(Notification.user_id == user.id))
    session.execute(
        update(ExchangeEvent).where(ExchangeEvent.actor_id == user.id).values(actor_name=pseudonym)
    )
    acted_on = select(ExchangeEvent.exchange_id).where(ExchangeEvent.actor_id == user.id)
    session.execute(
        update(Notification)
        .where(
            Notification.exchange_id.in_(acted_on),
            Notification.message.startswith(f"{old_name}:", autoescape=True),
        )
        .values(message=func.replace(Notification.message, f"{old_name}:", f"{pseudonym}:"))
    )
    session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.recipient == old_email, OutboxMessage.sent_at.is_(None)
        )
    )
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.recipient == old_email)
        .values(recipient=user.email, body=ERASED_BODY)
    )
    session.execute(
        update(Invitation).where(Invitation.email == old_email).values(email=user.email)
    )
    session.flush()
    return pseudonym


def _other_active_admins(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count(User.id)).where(
                User.role == "admin", User.active.is_(True), User.id != user.id
            )
        )
        or 0
    )
