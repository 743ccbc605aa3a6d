"""Sign-in, sign-out, registration and the account page."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from matchmaker.auth import services
from matchmaker.auth.forms import LoginForm, PasswordForm, RegisterForm, TokenForm
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
    flash("You are signed out.", "success")
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
                    "Welcome! Your organisation is awaiting verification by a coordinator; "
                    "meanwhile you can prepare drafts.",
                    "info",
                )
            else:
                flash("Welcome!", "success")
            return redirect(url_for("profiles.dashboard"))
    return render_template("auth/register.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    user = current_actor()
    password_form = PasswordForm(prefix="pw")
    token_form = TokenForm(prefix="tok")
    new_token = None
    if request.method == "POST" and "pw-current_password" in request.form:
        if password_form.validate_on_submit():
            try:
                services.change_password(
                    user, password_form.current_password.data, password_form.new_password.data
                )
                commit()
            except DomainError as error:
                db.session.rollback()
                show_errors(
                    password_form,
                    error,
                    {"current_password": "current_password", "new_password": "new_password"},
                )
            else:
                login_user(user)  # the old session token is gone; keep only this session
                flash("Password changed. You were signed out everywhere else.", "success")
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
        token_form=token_form,
        new_token=new_token,
    )


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    services.revoke_api_token(current_actor(), token_id)
    commit()
    flash("Token revoked.", "success")
    return redirect(url_for("auth.account"))
