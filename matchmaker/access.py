"""Who may see and change what: the one place that decides, for pages and API alike.

Country ownership: only members of the owning organisation change its profile, needs and offers;
coordinators and admins see everything; the public sees only published records of verified
organisations.
"""

from __future__ import annotations

from flask_babel import gettext as _

from matchmaker.errors import Forbidden, NotFound
from models import Need, Offer, Organisation, User

Entry = Need | Offer


def is_member_of(user: User | None, organisation: Organisation) -> bool:
    return bool(user and user.is_active and user.organisation_id == organisation.id)


def is_staff(user: User | None) -> bool:
    """Coordinators and admins: they broker exchanges and see every record."""
    return bool(user and user.is_active and user.is_coordinator)


def can_view_organisation(user: User | None, organisation: Organisation) -> bool:
    return organisation.is_verified or is_member_of(user, organisation) or is_staff(user)


def can_edit_organisation(user: User | None, organisation: Organisation) -> bool:
    return is_member_of(user, organisation) or bool(
        user and user.is_active and user.role == "admin"
    )


def is_public(entry: Entry) -> bool:
    return entry.status == "published" and entry.organisation.is_verified


def can_view_entry(user: User | None, entry: Entry) -> bool:
    return is_public(entry) or is_member_of(user, entry.organisation) or is_staff(user)


def can_edit_entry(user: User | None, entry: Entry) -> bool:
    return is_member_of(user, entry.organisation)


def require_view_organisation(user: User | None, organisation: Organisation | None) -> Organisation:
    """Hidden organisations answer 404, so their existence is not revealed."""
    if organisation is None or not can_view_organisation(user, organisation):
        raise NotFound(_("No such organisation."))
    return organisation


def require_view_entry(user: User | None, entry: Entry | None, noun: str) -> Entry:
    if entry is None or not can_view_entry(user, entry):
        raise NotFound(_("No such need.") if noun == "need" else _("No such offer."))
    return entry


def require_edit_entry(user: User | None, entry: Entry, noun: str) -> None:
    if not can_edit_entry(user, entry):
        message = (
            _("Only members of %(organisation)s can change this need.")
            if noun == "need"
            else _("Only members of %(organisation)s can change this offer.")
        )
        raise Forbidden(message % {"organisation": entry.organisation.name})


def require_staff(user: User | None) -> User:
    if user is None or not is_staff(user):
        raise Forbidden(_("Only coordinators can do this."))
    return user
