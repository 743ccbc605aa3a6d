"""Round pages, for coordinators and admins: list, settings, the solved slate with its
statistics, rules and edits, and publishing (members get 403)."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from matchmaker import access
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.forms import show_errors
from matchmaker.matching.views import SIGNAL_LABELS
from matchmaker.profiles.choices import ILO_REGION_LABELS
from matchmaker.rounds import runner, services, solves
from matchmaker.rounds.forms import CapacityForm, RoundForm, RuleForm
from matchmaker.rounds.solving import organisation_names
from matchmaker.web import commit, current_actor, refuse
from models import Round

rounds = Blueprint("rounds", __name__)


def _version() -> int | None:
    return request.form.get("version", type=int)


def _back(round_id: int):
    return redirect(url_for("rounds.detail", round_id=round_id))


@rounds.get("/rounds")
@login_required
def index():
    return render_template("rounds/list.html", items=services.list_rounds(current_actor()))


@rounds.route("/rounds/new", methods=["GET", "POST"])
@login_required
def new():
    access.require_staff(current_actor())
    form = RoundForm().with_choices()
    if form.validate_on_submit():
        try:
            round_ = services.create_round(current_actor(), form.values())
            commit()
        except DomainError as error:
            refuse_form(form, error)
        else:
            flash(
                ngettext(
                    "Round created with %(num)s need. Solve it when ready.",
                    "Round created with %(num)s needs. Solve it when ready.",
                    len(round_.needs),
                ),
                "success",
            )
            return _back(round_.id)
    return render_template("rounds/form.html", form=form, round=None)


def refuse_form(form: RoundForm | RuleForm | CapacityForm, error: DomainError) -> None:
    """Roll back; 403/404 become error pages, the rest shows next to the fields."""
    db.session.rollback()
    if error.status in (403, 404):
        raise error
    show_errors(form, error)


@rounds.route("/rounds/<id:round_id>/edit", methods=["GET", "POST"])
@login_required
def edit(round_id: int):
    round_ = services.get_round(current_actor(), round_id)
    form = RoundForm(obj=round_, data=round_.filters).with_choices()
    if form.validate_on_submit():
        try:
            services.edit_round(round_, _version(), form.values())
            commit()
        except DomainError as error:
            refuse_form(form, error)
        else:
            flash(_("Settings saved: solve the round again."), "success")
            return _back(round_id)
    return render_template("rounds/form.html", form=form, round=round_)


def _detail(
    round_: Round, rule_form: RuleForm | None = None, capacity_form: CapacityForm | None = None
):
    rule_form = rule_form or RuleForm(formdata=None)
    rule_form.need_id.choices = [(str(e.need_id), e.need.title) for e in round_.needs]
    return render_template(
        "rounds/detail.html",
        round=round_,
        slate=services.slate_by_need(round_),
        titles={entry.need_id: entry.need.title for entry in round_.needs},
        names=organisation_names(
            sorted({int(c[0]) for entry in round_.needs for c in entry.candidates})
        ),
        progress=solves.progress(round_),
        rule_form=rule_form,
        capacity_form=capacity_form or CapacityForm(formdata=None),
        regions=ILO_REGION_LABELS,
        signal_labels=SIGNAL_LABELS,
    )


@rounds.get("/rounds/<id:round_id>")
@login_required
def detail(round_id: int):
    return _detail(services.get_round(current_actor(), round_id))


@rounds.get("/rounds/<id:round_id>/progress")
@login_required
def progress(round_id: int):
    return jsonify(solves.progress(services.get_round(current_actor(), round_id)))


@rounds.post("/rounds/<id:round_id>/solve")
@login_required
def solve(round_id: int):
    round_ = services.get_round(current_actor(), round_id)
    try:
        solve_id = solves.start(current_actor(), round_, _version()).id
        commit()
    except DomainError as error:
        refuse(error)
    else:
        runner.launch(solve_id)
        flash(_("Solving started: this page follows its progress."), "success")
    return _back(round_id)


@rounds.post("/rounds/<id:round_id>/cancel")
@login_required
def cancel(round_id: int):
    actor = current_actor()
    round_ = services.get_round(actor, round_id)
    try:
        solves.cancel(actor, round_)
        commit()
    except DomainError as error:
        refuse(error)
    else:
        flash(_("Cancel requested: the solve stops after the need it is ranking."), "success")
    return _back(round_id)


@rounds.post("/rounds/<id:round_id>/rules")
@login_required
def add_rule(round_id: int):
    round_ = services.get_round(current_actor(), round_id)
    form = RuleForm()
    form.need_id.choices = [(str(e.need_id), e.need.title) for e in round_.needs]
    if form.validate_on_submit():
        try:
            services.add_rule(round_, _version(), form.data)
            commit()
        except DomainError as error:
            refuse_form(form, error)
        else:
            flash(_("Rule saved: solve the round again."), "success")
            return _back(round_id)
    return _detail(services.get_round(current_actor(), round_id), rule_form=form)


@rounds.post("/rounds/<id:round_id>/rules/<id:rule_id>/delete")
@login_required
def remove_rule(round_id: int, rule_id: int):
    round_ = services.get_round(current_actor(), round_id)
    try:
        services.remove_rule(round_, _version(), rule_id)
        commit()
    except DomainError as error:
        refuse(error)
    else:
        flash(_("Rule removed: solve the round again."), "success")
    return _back(round_id)


@rounds.post("/rounds/<id:round_id>/capacities")
@login_required
def set_capacity(round_id: int):
    round_ = services.get_round(current_actor(), round_id)
    form = CapacityForm()
    if form.validate_on_submit():
        try:
            services.set_capacity(round_, _version(), form.data)
            commit()
        except DomainError as error:
            refuse_form(form, error)
        else:
            flash(_("Capacity saved: solve the round again."), "success")
            return _back(round_id)
    return _detail(services.get_round(current_actor(), round_id), capacity_form=form)


@rounds.post("/rounds/<id:round_id>/pairs/<id:pair_id>/lock")
@login_required
def lock(round_id: int, pair_id: int):
    round_ = services.get_round(current_actor(), round_id)
    locked = request.form.get("locked") == "1"
    try:
        services.set_locked(round_, _version(), pair_id, locked)
        commit()
    except DomainError as error:
        refuse(error)
    else:
        flash(
            _("Pair locked: solving again keeps it.") if locked else _("Pair released."),
            "success",
        )
    return _back(round_id)


@rounds.post("/rounds/<id:round_id>/pairs/<id:pair_id>/swap")
@login_required
def swap(round_id: int, pair_id: int):
    round_ = services.get_round(current_actor(), round_id)
    try:
        services.swap(round_, _version(), pair_id, request.form.get("organisation_id", ""))
        commit()
    except DomainError as error:
        refuse(error)
    else:
        flash(_("Partner swapped and locked."), "success")
    return _back(round_id)


@rounds.post("/rounds/<id:round_id>/publish")
@login_required
def publish(round_id: int):
    actor = current_actor()
    round_ = services.get_round(actor, round_id)
    already = round_.status == "published"
    try:
        created = services.publish(actor, round_, _version())
        commit()
    except DomainError as error:
        refuse(error)
    else:
        flash(
            _("This round was already published: nothing new was created.")
            if already
            else ngettext(
                "Published: %(num)s exchange proposed to its providers.",
                "Published: %(num)s exchanges proposed to their providers.",
                len(created),
            ),
            "success",
        )
    return _back(round_id)
