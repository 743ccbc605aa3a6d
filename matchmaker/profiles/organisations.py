"""Organisation rules: validation, creation, profile edits and lookups."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from matchmaker import access
from matchmaker.errors import Forbidden, Invalid
from matchmaker.extensions import db
from matchmaker.knowledge.vocabulary import CONSTITUENT_TYPES, SUBTYPES_BY_TYPE
from matchmaker.validation import Cleaner
from models import Country, Organisation, User


def name_key(name: str) -> str:
    """The case- and space-insensitive form that makes (country, name) a natural key."""
    return " ".join(name.casefold().split())


def clean_organisation(data: dict[str, Any], *, with_identity: bool = True) -> dict[str, Any]:
    """Validate profile fields; identity (name, country, type) only where it may be set."""
    cleaner = Cleaner(data)
    values: dict[str, Any] = {}
    if with_identity:
        values["name"] = cleaner.text("name", max_length=200)
        values["country_code"] = (cleaner.text("country", max_length=3) or "").upper()
        values["constituent_type"] = cleaner.choice("constituent_type", CONSTITUENT_TYPES)
        if values["country_code"] and db.session.get(Country, values["country_code"]) is None:
            cleaner.fail("country", "Unknown country: use an ISO 3166 alpha-3 code such as ZMB.")
    constituent_type = values.get("constituent_type") or data.get("constituent_type")
    allowed = SUBTYPES_BY_TYPE.get(str(constituent_type), ())
    values["subtype"] = cleaner.choice("subtype", allowed, required=False) if allowed else None
    values["description"] = cleaner.text(
        "description", max_length=5000, required=False, multiline=True
    )
    values["website"] = cleaner.url("website")
    values["working_languages"] = cleaner.languages("working_languages", required=True)
    cleaner.done()
    return values


def find_by_name(country_code: str, name: str) -> Organisation | None:
    return db.session.scalar(
        select(Organisation).where(
            Organisation.country_code == country_code, Organisation.name_key == name_key(name)
        )
    )


def create_organisation(
    values: dict[str, Any], *, verified: bool, evidence: str = ""
) -> Organisation:
    """Create from cleaned values; self-registered organisations start unverified."""
    if find_by_name(values["country_code"], values["name"]) is not None:
        raise Invalid(
            _(
                "An organisation with this name already exists in this country: ask a coordinator "
                "for an invitation to join it."
            ),
            fields={"name": _("Already registered in this country.")},
        )
    organisation = Organisation(
        **values,
        name_key=name_key(values["name"]),
        verification_status="verified" if verified else "unverified",
        verification_evidence=evidence,
    )
    db.session.add(organisation)
    db.session.flush()
    return organisation


def update_profile(actor: User, organisation: Organisation, data: dict[str, Any]) -> None:
    if not access.can_edit_organisation(actor, organisation):
        raise Forbidden(_("Only members of this organisation can edit its profile."))
    merged = {"constituent_type": organisation.constituent_type, **data}
    for field, value in clean_organisation(merged, with_identity=False).items():
        setattr(organisation, field, value)
    db.session.flush()


def get_visible(actor: User | None, organisation_id: int) -> Organisation:
    return access.require_view_organisation(actor, db.session.get(Organisation, organisation_id))


def list_visible(actor: User | None, *, limit: int = 50, offset: int = 0) -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.country_code, Organisation.name)
    if not access.is_staff(actor):
        visible = Organisation.verification_status == "verified"
        if actor is not None and actor.organisation_id:
            visible = visible | (Organisation.id == actor.organisation_id)
        query = query.where(visible)
    return list(db.session.scalars(query.limit(limit).offset(offset)))
