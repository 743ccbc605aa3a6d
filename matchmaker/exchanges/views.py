"""Exchange pages: propose (prefilled from the match list), the exchange with its timeline and
the actions this user may take, evaluations, the coordinator inbox and notifications."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from matchmaker import access
from matchmaker.errors import DomainError
from matchmaker.exchanges import evaluations, inbox, services
from matchmaker.exchanges.contacts import visible_contacts
from matchmaker.exchanges.evaluations import PRINCIPLES
from matchmaker.exchanges.notifications import notification_text, unread_count
from matchmaker.exchanges.workflow import BY_ACTION
from matchmaker.extensions import db
from matchmaker.knowledge.vocabulary import FACILITATOR_ROLES, MODALITIES
from matchmaker.labels import label
from matchmaker.profiles.catalogue import NEEDS, get_visible
from matchmaker.profiles.choices import ILO_REGION_LABELS, theme_choices
from matchmaker.web import commit, current_actor, refuse
from models import Notification, Organisation
from models.base import utcnow

exchanges = Blueprint("exchanges", __name__)


@exchanges.get("/exchanges")
@login_required
def index():
    return render_template("exchanges/list.html", items=services.for_user(current_actor()))


def _form_data() -> dict[str, object]:
    form = request.form
    data: dict[str, object] = {
        key: form.get(key, "")
        for key in (
            "need_id",
            "modality",
            "title",
            "objectives",
            "expected_results",
            "start_date",
            "end_date",
            "facilitator_organisation_id",
            "facilitator_role",
            "budget_amount",
            "budget_currency",
            "funding_source",
            "participants",
        )
    }
    data["provider_organisation_ids"] = form.getlist("provider_organisation_ids")
    data["languages"] = form.get("languages", "")
    return data


@exchanges.route("/exchanges/new", methods=["GET", "POST"])
@login_required
def new():
    actor = current_actor()
    need_id = request.values.get("need_id", type=int) or abort(404)
    need = get_visible(NEEDS, actor, need_id)
    services.require_may_propose(actor, need)  # before showing a form it could not submit
    errors: dict[str, str] = {}
    data: dict[str, object] = {
        "provider_organisation_ids": request.args.getlist("provider"),
        "objectives": need.description,
        "title": need.title,
        "languages": ", ".join(need.languages),
    }
    if request.method == "POST":
        data = _form_data()
        try:
            exchange = services.create(actor, data)
            commit()
        except DomainError as error:
            refuse(error)
            errors = error.fields
        else:
            flash(
                _("Exchange saved as a draft. Propose it to the providers when ready."), "success"
            )
            return redirect(url_for("exchanges.detail", exchange_id=exchange.id))
    chosen = [int(i) for i in data.get("provider_organisation_ids") or [] if str(i).isdigit()]
    providers = list(db.session.scalars(select(Organisation).where(Organisation.id.in_(chosen))))
    return render_template(
        "exchanges/new.html",
        need=need,
        data=data,
        errors=errors,
        providers=providers,
        modalities=MODALITIES,
        facilitator_roles=FACILITATOR_ROLES,
    )


@exchanges.get("/exchanges/<id:exchange_id>")
@login_required
def detail(exchange_id: int):
    actor = current_actor()
    exchange = services.get_visible(actor, exchange_id)
    return render_template(
        "exchanges/detail.html",
        exchange=exchange,
        history=services.history(exchange),
        actions=[BY_ACTION[a] for a in services.actions_for(actor, exchange)],
        evaluations=evaluations.for_exchange(exchange),
        can_evaluate=exchange.state == "completed"
        and bool(services.parties(actor, exchange) - {services.Party.COORDINATOR}),
        principles=PRINCIPLES,
        contacts=visible_contacts(actor, exchange),
    )


@exchanges.post("/exchanges/<id:exchange_id>/transitions")
@login_required
def transition(exchange_id: int):
    action = request.form.get("action", "")
    try:
        exchange = services.transition(
            current_actor(),
            exchange_id,
            action,
            request.form.get("version", type=int),
            request.form.get("comment", ""),
            dates={k: request.form[k] for k in ("start_date", "end_date") if request.form.get(k)},
        )
        commit()
    except DomainError as error:
        refuse(error)
    else:
        flash(_("Done: the exchange is now %(state)s.", state=label(exchange.state)), "success")
    return redirect(url_for("exchanges.detail", exchange_id=exchange_id))


@exchanges.post("/exchanges/<id:exchange_id>/evaluations")
@login_required
def evaluate(exchange_id: int):
    form = request.form
    data = {
        "usefulness": form.get("usefulness", ""),
        "results_achieved": form.get("results_achieved", ""),
        "will_apply": form.get("will_apply", ""),
        "principles": {name: form.get(name, "") for name in PRINCIPLES},
    }
    try:
        evaluations.submit(current_actor(), exchange_id, data)
        commit()
    except DomainError as error:
        db.session.rollback()
        if error.status in (403, 404):
            raise
        flash(error.message + "".join(f" {k}: {v}" for k, v in error.fields.items()), "error")
    else:
        flash(_("Thank you: your evaluation is recorded."), "success")
    return redirect(url_for("exchanges.detail", exchange_id=exchange_id))


@exchanges.get("/coordination/inbox")
@login_required
def coordinator_inbox():
    access.require_staff(current_actor())
    filters = {
        "region": request.args.get("region", ""),
        "theme": request.args.get("theme", ""),
        "state": request.args.get("state", ""),
        "min_age_days": request.args.get("age", 0, type=int),
    }
    return render_template(
        "exchanges/inbox.html",
        items=inbox.items(**filters),
        filters=filters,
        regions=ILO_REGION_LABELS,
        themes=theme_choices(),
        states=inbox.WAITING,
    )


@exchanges.route("/notifications", methods=["GET", "POST"])
@login_required
def notifications():
    actor = current_actor()
    if request.method == "POST":
        db.session.execute(
            update(Notification)
            .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
        commit()
        return redirect(url_for("exchanges.notifications"))
    items = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == actor.id)
        .options(selectinload(Notification.event), selectinload(Notification.exchange))
        .order_by(Notification.id.desc())
        .limit(100)
    ).all()
    return render_template(
        "exchanges/notifications.html", items=items, notification_text=notification_text
    )


@exchanges.app_context_processor
def unread_notifications() -> dict[str, int]:
    """The unread count in the navigation bar."""
    actor = current_actor()
    return {"unread_notifications": unread_count(actor) if actor else 0}
