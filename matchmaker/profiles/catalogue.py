"""Rules for needs and offers: one implementation for both, used by pages and API alike."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from matchmaker import access
from matchmaker.errors import Conflict, Forbidden, Invalid
from matchmaker.extensions import db
from matchmaker.knowledge.vocabulary import MODALITIES, OFFER_STATUSES
from matchmaker.validation import Cleaner, refuse_unknown
from models import Country, Need, Offer, Organisation, Theme, User
from models.base import utcnow

EntryT = TypeVar("EntryT", Need, Offer)
COMMON_FIELDS = {
    "title",
    "description",
    "text_language",
    "themes",
    "modalities",
    "languages",
    "status",
    "source",
}


@dataclass(frozen=True)
class Kind(Generic[EntryT]):
    """What differs between needs and offers."""

    model: type[EntryT]
    noun: str
    fields: frozenset[str]


NEEDS: Kind[Need] = Kind(Need, "need", frozenset(COMMON_FIELDS | {"start_date", "end_date"}))
OFFERS: Kind[Offer] = Kind(Offer, "offer", frozenset(COMMON_FIELDS | {"evidence", "capacity"}))


def _clean(kind: Kind[Any], data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validate the fields present (all required ones unless `partial`)."""
    refuse_unknown(data, kind.fields)
    cleaner = Cleaner(data)
    values: dict[str, Any] = {}

    def wanted(field: str) -> bool:
        return not partial or field in data

    if wanted("title"):
        values["title"] = cleaner.text("title", max_length=200)
    if wanted("description"):
        values["description"] = cleaner.text("description", max_length=5000, multiline=True)
    if wanted("text_language"):
        languages = Cleaner({"text_language": [data.get("text_language") or "en"]})
        values["text_language"] = (languages.languages("text_language") or ["en"])[0]
        cleaner.errors.update(languages.errors)
    if wanted("themes"):
        known = db.session.scalars(select(Theme.code)).all()
        codes = cleaner.codes("themes", known, max_items=8)
        values["themes"] = list(db.session.scalars(select(Theme).where(Theme.code.in_(codes))))
    if wanted("modalities"):
        values["modalities"] = cleaner.codes("modalities", MODALITIES)
    if wanted("languages"):
        values["languages"] = cleaner.languages("languages")
    if wanted("source"):
        values["source"] = cleaner.text("source", max_length=500, required=False) or None
    if "status" in data:
        values["status"] = cleaner.choice("status", OFFER_STATUSES)
    if kind is NEEDS:
        if wanted("start_date"):
            values["start_date"] = cleaner.date("start_date")
        if wanted("end_date"):
            values["end_date"] = cleaner.date("end_date")
    else:
        if wanted("evidence"):
            values["evidence"] = cleaner.text(
                "evidence", max_length=5000, required=False, multiline=True
            )
        if wanted("capacity"):
            values["capacity_per_year"] = cleaner.integer(
                "capacity", minimum=0, maximum=100, default=2
            )
    cleaner.done()
    return values


def _check_window(entry: Any) -> None:
    start, end = getattr(entry, "start_date", None), getattr(entry, "end_date", None)
    if start and end and start > end:
        raise Invalid(
            _("The end date must not be before the start date."),
            fields={"end_date": _("Must be on or after the start date.")},
        )


def _apply_status(kind: Kind[Any], entry: Any, status: str | None) -> None:
    if status is None or status == entry.status:
        return
    if status == "published":
        if not entry.organisation.is_verified:
            message = (
                _(
                    "%(organisation)s is awaiting verification by a coordinator; you can keep "
                    "this need as a draft and publish it once the organisation is verified."
                )
                if kind.noun == "need"
                else _(
                    "%(organisation)s is awaiting verification by a coordinator; you can keep "
                    "this offer as a draft and publish it once the organisation is verified."
                )
            )
            raise Conflict(message % {"organisation": entry.organisation.name})
        entry.published_at = utcnow()
    entry.status = status


def create(kind: Kind[EntryT], actor: User, data: dict[str, Any]) -> EntryT:
    """Create a need or offer for the actor's own organisation (draft unless asked otherwise)."""
    if actor.organisation is None:
        raise Forbidden(_("Only members of an organisation can create needs and offers."))
    return create_for(kind, actor.organisation, data)


def create_for(kind: Kind[EntryT], organisation: Organisation, data: dict[str, Any]) -> EntryT:
    """Create for a given organisation; callers have checked who may (members, imports)."""
    values = _clean(kind, data, partial=False)
    status = values.pop("status", None)
    _ensure_unique_title(kind, organisation.id, values["title"])
    entry = kind.model(organisation=organisation, status="draft", **values)
    _check_window(entry)
    db.session.add(entry)
    _apply_status(kind, entry, status)
    db.session.flush()
    return entry


def update(kind: Kind[EntryT], actor: User, entry: EntryT, data: dict[str, Any]) -> EntryT:
    """Change the given fields (partial update) of an entry the actor's organisation owns."""
    access.require_edit_entry(actor, entry, kind.noun)
    values = _clean(kind, data, partial=True)
    status = values.pop("status", None)
    if "title" in values and values["title"] != entry.title:
        _ensure_unique_title(kind, entry.organisation_id, values["title"])
    for field, value in values.items():
        setattr(entry, field, value)
    _check_window(entry)
    _apply_status(kind, entry, status)
    if db.session.is_modified(entry, include_collections=True):
        entry.updated_at = utcnow()  # a change of themes alone is an edit too
    db.session.flush()
    return entry


def set_status(kind: Kind[EntryT], actor: User, entry: EntryT, status: str) -> EntryT:
    return update(kind, actor, entry, {"status": status})


def _ensure_unique_title(kind: Kind[Any], organisation_id: int, title: str) -> None:
    clash = db.session.scalar(
        select(kind.model.id).where(
            kind.model.organisation_id == organisation_id, kind.model.title == title
        )
    )
    if clash is not None:
        raise Invalid(
            f"Your organisation already has a {kind.noun} with this title.",
            fields={"title": _("Already used by another of your records.")},
        )


def get_visible(kind: Kind[EntryT], actor: User | None, entry_id: int) -> EntryT:
    entry = db.session.get(kind.model, entry_id)
    return access.require_view_entry(actor, entry, kind.noun)  # type: ignore[return-value]


@dataclass(frozen=True)
class Filters:
    q: str = ""
    country: str = ""
    region: str = ""
    theme: str = ""
    constituent_type: str = ""
    status: str = ""
    organisation_id: int | None = None


@dataclass(frozen=True)
class Page(Generic[EntryT]):
    items: list[EntryT]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def search(
    kind: Kind[EntryT], actor: User | None, filters: Filters, *, page: int = 1, per_page: int = 20
) -> Page[EntryT]:
    """The records the actor may see, filtered, newest first, one page at a time."""
    model = kind.model
    query: Select[Any] = select(model).join(Organisation).join(Country)
    query = _visible_to(query, model, actor)
    if filters.q:
        pattern = f"%{filters.q.strip()}%"
        query = query.where(
            or_(
                model.title.ilike(pattern),
                model.description.ilike(pattern),
                Organisation.name.ilike(pattern),
            )
        )
    if filters.country:
        query = query.where(Organisation.country_code == filters.country.upper())
    if filters.region:
        query = query.where(Country.ilo_region == filters.region)
    if filters.constituent_type:
        query = query.where(Organisation.constituent_type == filters.constituent_type)
    if filters.theme:
        query = query.where(model.themes.any(Theme.code == filters.theme))
    if filters.status:
        query = query.where(model.status == filters.status)
    if filters.organisation_id:
        query = query.where(model.organisation_id == filters.organisation_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = max(1, page)
    items = db.session.scalars(
        query.options(selectinload(model.themes), selectinload(model.organisation))
        .order_by(model.updated_at.desc(), model.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(list(items), total, page, per_page)


def public_query(kind: Kind[EntryT]) -> Select[Any]:
    """What anyone may see (the directory's rule), for the open-data exports."""
    model = kind.model
    return _visible_to(select(model).join(Organisation).join(Country), model, None)


def _visible_to(query: Select[Any], model: type[Any], actor: User | None) -> Select[Any]:
    """Staff see all; others see published records of verified organisations, and their own."""
    if access.is_staff(actor):
        return query
    public = (model.status == "published") & (Organisation.verification_status == "verified")
    if actor is not None and actor.organisation_id:
        return query.where(public | (model.organisation_id == actor.organisation_id))
    return query.where(public)
