"""Pages: home, dashboard, organisation profiles, needs and offers, and the directory."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from matchmaker import access
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.forms import form_data, show_errors
from matchmaker.knowledge.vocabulary import CONSTITUENT_TYPES, OFFER_STATUSES
from matchmaker.labels import label
from matchmaker.page_cache import public_page
from matchmaker.profiles import catalogue, organisations
from matchmaker.profiles.catalogue import NEEDS, OFFERS, Filters, Kind
from matchmaker.profiles.choices import ILO_REGION_LABELS, country_choices, theme_choices
from matchmaker.profiles.forms import EntryForm, OrganisationForm
from matchmaker.web import commit, current_actor, page_number, refuse

profiles = Blueprint("profiles", __name__)
KINDS: dict[str, Kind[Any]] = {"needs": NEEDS, "offers": OFFERS}


@profiles.get("/")
@public_page
def home():
    return render_template("home.html")


@profiles.get("/dashboard")
@login_required
def dashboard():
    actor = current_actor()
    mine: dict[str, Any] = {}
    if actor.organisation_id:
        for plural, kind in KINDS.items():
            mine[plural] = catalogue.search(
                kind, actor, Filters(organisation_id=actor.organisation_id), per_page=100
            ).items
    return render_template("dashboard.html", organisation=actor.organisation, mine=mine)


@profiles.get("/organisations/<id:organisation_id>")
@public_page
def organisation_detail(organisation_id: int):
    actor = current_actor()
    organisation = organisations.get_visible(actor, organisation_id)
    entries = {
        plural: catalogue.search(
            kind, actor, Filters(organisation_id=organisation.id), per_page=100
        ).items
        for plural, kind in KINDS.items()
    }
    return render_template(
        "organisations/detail.html",
        organisation=organisation,
        entries=entries,
        can_edit=access.can_edit_organisation(actor, organisation),
    )


@profiles.route("/organisations/<id:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def organisation_edit(organisation_id: int):
    actor = current_actor()
    organisation = organisations.get_visible(actor, organisation_id)
    if not access.can_edit_organisation(actor, organisation):
        abort(403)
    form = OrganisationForm(obj=organisation)
    if request.method == "GET":
        form.working_languages.data = ", ".join(organisation.working_languages)
    if form.validate_on_submit():
        try:
            organisations.update_profile(
                actor,
                organisation,
                form_data(form, "subtype", "website", "working_languages", "description"),
            )
            commit()
        except DomainError as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            flash(_("Profile saved."), "success")
            return redirect(
                url_for("profiles.organisation_detail", organisation_id=organisation.id)
            )
    return render_template("organisations/edit.html", form=form, organisation=organisation)


@profiles.get("/directory")
@public_page
def directory():
    plural = request.args.get("kind", "offers")
    kind = KINDS.get(plural) or abort(404)
    filters = Filters(
        q=request.args.get("q", "")[:200],
        country=request.args.get("country", "")[:3],
        region=request.args.get("region", ""),
        theme=request.args.get("theme", ""),
        constituent_type=request.args.get("type", ""),
        status="published",
    )
    results = catalogue.search(
        kind, current_actor(), filters, page=page_number(request.args.get("page"))
    )
    return render_template(
        "directory.html",
        plural=plural,
        kind=kind,
        filters=filters,
        results=results,
        countries=country_choices(_("Any country")),
        regions=ILO_REGION_LABELS,
        themes=theme_choices(),
        types=CONSTITUENT_TYPES,
    )


def _entry_form(kind: Kind[Any], entry: Any = None) -> EntryForm:
    form = EntryForm(obj=entry).for_kind(kind.noun)
    form.themes.choices = theme_choices()
    if entry is not None and request.method == "GET":
        form.themes.data = [theme.code for theme in entry.themes]
        form.languages.data = ", ".join(entry.languages)
        if kind is OFFERS:
            form.capacity.data = entry.capacity_per_year
    return form


def entry_new(plural: str):
    kind = KINDS[plural]
    actor = current_actor()
    if actor.organisation is None:
        flash(_("Only members of an organisation can create needs and offers."), "error")
        return redirect(url_for("profiles.dashboard"))
    form = _entry_form(kind)
    if form.validate_on_submit():
        try:
            entry = catalogue.create(kind, actor, form.values())
            commit()
        except DomainError as error:
            db.session.rollback()
            show_errors(form, error, {"capacity_per_year": "capacity"})
        else:
            flash(_("Saved (%(status)s).", status=label(entry.status)), "success")
            return redirect(url_for(f"profiles.{kind.noun}_detail", entry_id=entry.id))
    return render_template("catalogue/form.html", form=form, kind=kind, entry=None)


def entry_detail(plural: str, entry_id: int):
    kind = KINDS[plural]
    actor = current_actor()
    entry = catalogue.get_visible(kind, actor, entry_id)
    return render_template(
        "catalogue/detail.html",
        entry=entry,
        kind=kind,
        can_edit=access.can_edit_entry(actor, entry),
        statuses=OFFER_STATUSES,
    )


def entry_edit(plural: str, entry_id: int):
    kind = KINDS[plural]
    actor = current_actor()
    entry = catalogue.get_visible(kind, actor, entry_id)
    access.require_edit_entry(actor, entry, kind.noun)
    form = _entry_form(kind, entry)
    if form.validate_on_submit():
        try:
            catalogue.update(kind, actor, entry, form.values())
            commit()
        except DomainError as error:
            db.session.rollback()
            show_errors(form, error, {"capacity_per_year": "capacity"})
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(f"profiles.{kind.noun}_detail", entry_id=entry.id))
    return render_template("catalogue/form.html", form=form, kind=kind, entry=entry)


def entry_status(plural: str, entry_id: int):
    kind = KINDS[plural]
    actor = current_actor()
    entry = catalogue.get_visible(kind, actor, entry_id)
    try:
        catalogue.set_status(kind, actor, entry, request.form.get("status", ""))
        commit()
    except DomainError as error:
        refuse(error)
    else:
        flash(_("The status is now: %(status)s.", status=label(entry.status)), "success")
    return redirect(url_for(f"profiles.{kind.noun}_detail", entry_id=entry_id))


for _plural, _kind in KINDS.items():
    _defaults = {"plural": _plural}
    profiles.add_url_rule(
        f"/{_plural}/new",
        f"{_kind.noun}_new",
        login_required(entry_new),
        methods=["GET", "POST"],
        defaults=_defaults,
    )
    profiles.add_url_rule(
        f"/{_plural}/<id:entry_id>",
        f"{_kind.noun}_detail",
        public_page(entry_detail),
        defaults=_defaults,
    )
    profiles.add_url_rule(
        f"/{_plural}/<id:entry_id>/edit",
        f"{_kind.noun}_edit",
        login_required(entry_edit),
        methods=["GET", "POST"],
        defaults=_defaults,
    )
    profiles.add_url_rule(
        f"/{_plural}/<id:entry_id>/status",
        f"{_kind.noun}_status",
        login_required(entry_status),
        methods=["POST"],
        defaults=_defaults,
    )
