"""Coordinator pages: the verification queue and invitations."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from matchmaker import access
from matchmaker.auth import services as accounts
from matchmaker.coordination import csv_import, verification
from matchmaker.errors import DomainError, Invalid
from matchmaker.extensions import db
from matchmaker.labels import label
from matchmaker.profiles import organisations
from matchmaker.web import commit, current_actor, refuse

coordination = Blueprint("coordination", __name__, url_prefix="/coordination")


@coordination.get("/verification")
@login_required
def verification_queue():
    access.require_staff(current_actor())
    return render_template("coordination/verification.html", queue=verification.queue())


@coordination.post("/verification/<id:organisation_id>")
@login_required
def decide(organisation_id: int):
    actor = current_actor()
    try:
        organisation = verification.decide(
            actor, organisation_id, request.form.get("decision", ""), request.form.get("reason", "")
        )
        commit()
    except DomainError as error:
        refuse(error)
    else:
        flash(f"{organisation.name}: {label(organisation.verification_status)}.", "success")
    return redirect(url_for("coordination.verification_queue"))


@coordination.route("/organisations/<id:organisation_id>/invite", methods=["GET", "POST"])
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


def _uploaded_text() -> str:
    """The CSV text: an uploaded file on preview, the previewed text again on import."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return csv_import.decode_upload(upload.filename, upload.content_type or "", upload.read())
    text = request.form.get("csv_text", "")
    if not text.strip():
        raise Invalid(_("Choose a CSV file to upload."), fields={"file": _("Required.")})
    return text


@coordination.route("/import", methods=["GET", "POST"])
@login_required
def import_csv():
    actor = current_actor()
    access.require_staff(actor)
    kind = request.form.get("kind", request.args.get("kind", "organisations"))
    rows, text, imported = None, "", False
    if request.method == "POST":
        try:
            text = _uploaded_text()
            confirm = request.form.get("action") == "import"
            rows = csv_import.check_and_import(actor, kind, text, commit=confirm)
            if confirm and not any(row.errors for row in rows):
                commit()
                imported = True
                flash(
                    _("Imported %(num)s %(kind)s.", num=len(rows), kind=label(kind)),
                    "success",
                )
            else:
                db.session.rollback()
        except DomainError as error:
            refuse(error)
    return render_template(
        "coordination/import.html",
        kind=kind,
        kinds=csv_import.COLUMNS,
        rows=None if imported else rows,
        text=text,
    )
