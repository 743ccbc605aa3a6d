"""POST /api/v1/auth/token: exchange e-mail and password for a bearer token."""

from __future__ import annotations

from flask import current_app, g, request

from matchmaker.api import api
from matchmaker.api.common import json_body
from matchmaker.auth import services as accounts
from matchmaker.auth.views import LOGIN_LIMIT, login_failed
from matchmaker.error_pages import problem
from matchmaker.extensions import db, limiter
from matchmaker.web import commit


def _account_and_address() -> str:
    data = request.get_json(silent=True)
    email = data.get("email", "") if isinstance(data, dict) else ""
    return f"api|{str(email).strip().casefold()[:254]}|{request.remote_addr}"


@api.post("/auth/token")
@limiter.limit(LOGIN_LIMIT, key_func=_account_and_address, deduct_when=login_failed)
def create_token():
    data = json_body()
    user = accounts.authenticate(data.get("email"), data.get("password"))
    if user is None:
        g.login_failed = True
        db.session.rollback()
        current_app.logger.info("API sign-in refused from %s", request.remote_addr)
        return problem(401, "E-mail or password not recognised.")
    token = accounts.issue_api_token(
        user, str(data.get("name") or "API token"), current_app.config["API_TOKEN_DAYS"]
    )
    commit()
    current_app.logger.info("user %s signed in to the API (new token)", user.id)
    return {
        "token": token,
        "token_type": "Bearer",
        "expires_in_days": current_app.config["API_TOKEN_DAYS"],
    }, 201
