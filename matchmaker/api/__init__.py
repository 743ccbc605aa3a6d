"""JSON API under /api/v1: bearer tokens, problem+json errors, the same services as the pages."""

from __future__ import annotations

from flask import Blueprint, g, request

from matchmaker.auth.services import user_for_api_token
from matchmaker.error_pages import problem
from matchmaker.extensions import csrf

api = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(api)  # bearer tokens, never cookies: nothing for a cross-site form to ride on

PUBLIC_ENDPOINTS = {"api.create_token", "api.openapi"}


@api.before_request
def require_bearer_token():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = user_for_api_token(token.strip()) if scheme.lower() == "bearer" and token else None
    if user is None:
        response = problem(
            401,
            "Send a valid API token: 'Authorization: Bearer TOKEN'. Create "
            "one with POST /api/v1/auth/token or on your account page.",
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="matchmaker"'
        return response
    g.api_user = user
    return None


from matchmaker.api import (  # noqa: E402,F401  (routes)
    catalogue,
    exchanges,
    matches,
    openapi,
    organisations,
    tokens,
)
