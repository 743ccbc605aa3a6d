"""Verification of self-registered organisations: a queue, and a reason for every decision."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from matchmaker import access
from matchmaker.errors import Conflict, Invalid, NotFound
from matchmaker.extensions import db
from models import Organisation, User, VerificationDecision
from models.base import utcnow

DECISIONS = ("verified", "rejected")


def queue() -> list[Organisation]:
    """Organisations awaiting a decision, oldest first."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.verification_status == "unverified")
            .order_by(Organisation.created_at, Organisation.id)
        )
    )


def decide(actor: User, organisation_id: int, decision: str, reason: str) -> Organisation:
    """Record a coordinator's decision; only an unverified organisation can be decided on.

    The status update is a compare-and-set, so two coordinators deciding at once cannot both win.
    """
    access.require_staff(actor)
    if decision not in DECISIONS:
        raise Invalid(_("Choose verify or reject."), fields={"decision": _("Unknown decision.")})
    reason = " ".join((reason or "").split())
    if not reason:
        raise Invalid(_("Give a reason for the decision."), fields={"reason": _("Required.")})
    if len(reason) > 2000:
        raise Invalid(
            _("Keep the reason under 2000 characters."), fields={"reason": _("Too long.")}
        )
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_("No such organisation."))
    changed = db.session.execute(
        Organisation.__table__.update()
        .where(Organisation.id == organisation_id, Organisation.verification_status == "unverified")
        .values(
            verification_status=decision,
            verified_at=utcnow() if decision == "verified" else None,
            updated_at=utcnow(),
        )
    ).rowcount
    if changed != 1:
        raise Conflict(
            _("%(organisation)s has already been decided on.") % {"organisation": organisation.name}
        )
    db.session.add(
        VerificationDecision(
            organisation_id=organisation_id,
            decided_by_id=actor.id,
            decision=decision,
            reason=reason,
        )
    )
    db.session.flush()
    db.session.refresh(organisation)
    return organisation


def history(organisation: Organisation) -> list[VerificationDecision]:
    return list(
        db.session.scalars(
            select(VerificationDecision)
            .where(VerificationDecision.organisation_id == organisation.id)
            .order_by(VerificationDecision.id)
        )
    )
