"""Sign-in, sign-out, registration and the account page."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm

from matchmaker.auth import personal_data, services
from matchmaker.auth.forms import (
    DeleteAccountForm,
    EmailForm,
    LoginForm,
    PasswordForm,
    RegisterForm,
    TokenForm,
)
from matchmaker.errors import DomainError
from matchmaker.extensions import db, limiter
from matchmaker.forms import form_data, show_errors
from matchmaker.profiles.choices import country_choices
from matchmaker.web import commit, current_actor, safe_next

bp = Blueprint("auth", __name__)

LOGIN_LIMIT = "10 per 15 minutes"
GENERIC_FAILURE = "E-mail or password not recognised."


def _account_and_address() -> str:
    email = str(request.form.get("email", "")).strip().casefold()[:254]
    return f"{email}|{request.remote_addr}"


def login_failed(_response: object) -> bool:
    """Only failed attempts count towards the limit."""
    return bool(g.get("login_failed"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    LOGIN_LIMIT, key_func=_account_and_address, deduct_when=login_failed, methods=["POST"]
)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            g.login_failed = True
            db.session.rollback()
            current_app.logger.info("sign-in refused from %s", request.remote_addr)
            form.form_errors.append(GENERIC_FAILURE)
        else:
            commit()
            login_user(user)
            current_app.logger.info("user %s signed in", user.id)
            return redirect(safe_next(form.next.data, url_for("profiles.dashboard")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    services.rotate_session(current_actor())
    commit()
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("profiles.home"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm(invitation=request.args.get("invitation", ""))
    form.country.choices = country_choices()
    if form.validate_on_submit():
        data = form_data(
            form,
            "display_name",
            "email",
            "password",
            "invitation",
            "name",
            "country",
            "constituent_type",
            "subtype",
            "website",
            "working_languages",
            "description",
            "evidence",
        )
        try:
            user = services.register(data)
            commit()
        except DomainError as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            login_user(user)
            if user.organisation and not user.organisation.is_verified:
                flash(
                    _(
                        "Welcome! Your organisation is awaiting verification by a coordinator; "
                        "meanwhile you can prepare drafts."
                    ),
                    "info",
                )
            else:
                flash(_("Welcome!"), "success")
            return redirect(url_for("profiles.dashboard"))
    return render_template("auth/register.html", form=form)


PASSWORD_FIELDS = {"current_password": "current_password", "new_password": "new_password"}


def _apply(form: FlaskForm, change: Callable[[], object], aliases: dict[str, str]) -> bool:
    """Run one account change from its form and commit; False (errors on the form) if refused."""
    if not form.validate_on_submit():
        return False
    try:
        change()
        commit()
    except DomainError as error:
        db.session.rollback()
        show_errors(form, error, aliases)
        return False
    return True


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    user = current_actor()
    password_form = PasswordForm(prefix="pw")
    email_form = EmailForm(prefix="em")
    token_form = TokenForm(prefix="tok")
    new_token = None
    if request.method == "POST" and "pw-current_password" in request.form:
        change = partial(
            services.change_password,
            user,
            password_form.current_password.data,
            password_form.new_password.data,
        )
        if _apply(password_form, change, PASSWORD_FIELDS):
            login_user(user)  # the old session token is gone; keep only this session
            current_app.logger.info("user %s changed their password", user.id)
            flash(_("Password changed. You were signed out everywhere else."), "success")
            return redirect(url_for("auth.account"))
    elif request.method == "POST" and "em-new_email" in request.form:
        change = partial(
            services.change_email, user, email_form.current_password.data, email_form.new_email.data
        )
        if _apply(email_form, change, {}):
            current_app.logger.info("user %s changed their e-mail address", user.id)
            flash(_("E-mail address changed."), "success")
            return redirect(url_for("auth.account"))
    elif request.method == "POST" and token_form.validate_on_submit():
        new_token = services.issue_api_token(
            user, token_form.name.data or "", current_app.config["API_TOKEN_DAYS"]
        )
        commit()
    return render_template(
        "auth/account.html",
        user=user,
        password_form=password_form,
        email_form=email_form,
        token_form=token_form,
        new_token=new_token,
    )


@bp.get("/account/data.json")
@login_required
def personal_data_export():
    response = jsonify(personal_data.export(current_actor()))
    response.headers["Content-Disposition"] = 'attachment; filename="matchmaker-my-data.json"'
    return response


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    user = current_actor()
    form = DeleteAccountForm()
    erase = partial(personal_data.erase, user, form.current_password.data)
    if request.method == "POST" and _apply(form, erase, {}):
        current_app.logger.info("user %s deleted their account", user.id)
        logout_user()
        flash(_("Your account was deleted and your contact details erased."), "success")
        return redirect(url_for("profiles.home"))
    return render_template("auth/delete.html", form=form)


@bp.post("/account/tokens/<id:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    services.revoke_api_token(current_actor(), token_id)
    commit()
    flash(_("Token revoked."), "success")
    return redirect(url_for("auth.account"))
