"""Coordinator pages: the verification queue and invitations."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from matchmaker import access
from matchmaker.auth import services as accounts
from matchmaker.coordination import verification
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.profiles import organisations
from matchmaker.web import commit, current_actor

coordination = Blueprint("coordination", __name__, url_prefix="/coordination")


@coordination.get("/verification")
@login_required
def verification_queue():
    access.require_staff(current_actor())
    return render_template("coordination/verification.html", queue=verification.queue())


@coordination.post("/verification/<int:organisation_id>")
@login_required
def decide(organisation_id: int):
    actor = current_actor()
    try:
        organisation = verification.decide(
            actor, organisation_id, request.form.get("decision", ""), request.form.get("reason", "")
        )
        commit()
    except DomainError as error:
        db.session.rollback()
        if error.status in (403, 404):
            raise
        flash(error.message, "error")
    else:
        flash(f"{organisation.name}: {organisation.verification_status}.", "success")
    return redirect(url_for("coordination.verification_queue"))


@coordination.route("/organisations/<int:organisation_id>/invite", methods=["GET", "POST"])
@login_required
def invite(organisation_id: int):
    actor = current_actor()
    access.require_staff(actor)
    organisation = organisations.get_visible(actor, organisation_id)
    link = None
    if request.method == "POST":
        try:
            token = accounts.invite(actor, organisation, request.form.get("email", ""))
            commit()
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            link = url_for("auth.register", invitation=token, _external=True)
    return render_template("coordination/invite.html", organisation=organisation, link=link)
