"""Friendly error pages and problem+json for the API; no traceback ever reaches a user."""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Flask, Response, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from matchmaker.errors import DomainError
from matchmaker.extensions import db, login_manager
from matchmaker.logging_setup import acting_user_id

log = logging.getLogger(__name__)

MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please sign in."),
    403: _l("You are not allowed to do this."),
    404: _l("We could not find that page."),
    405: _l("This address does not accept that kind of request."),
    409: _l("This conflicts with the current state of the record."),
    413: _l("What you sent is too large."),
    422: _l("Some of what you sent is not valid."),
    429: _l("Too many attempts. Please wait a few minutes and try again."),
    500: _l("Something went wrong on our side. It has been logged; please try again later."),
    503: _l("The service is temporarily unavailable. Please try again in a moment."),
}


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    errors: dict[str, str] | None = None,
    **extra: object,
) -> Response:
    """An RFC 9457 problem document."""
    body: dict[str, object] = {
        "type": "about:blank",
        "title": title or _title(status),
        "status": status,
        "detail": detail,
        **extra,
    }
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _render(
    status: int,
    detail: object,
    errors: dict[str, str] | None = None,
    title: str | None = None,
    extra: dict[str, object] | None = None,
) -> Response | tuple[str, int]:
    detail = str(detail)  # a lazy message, read in the reader's language
    if wants_problem_json():
        return problem(status, detail, errors=errors, title=title, **(extra or {}))
    return render_template("errors/error.html", status=status, message=detail), status


def _log_refusal(status: int) -> None:
    """Refused permissions are security events: who (an id, never a name) tried what."""
    if status == 403:
        log.warning(
            "permission refused: user %s on %s %s", acting_user_id(), request.method, request.path
        )


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        _log_refusal(error.status)
        return _render(error.status, error.message, error.fields, error.title, error.extra)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(
            400, _l("The form expired or was sent from elsewhere. Reload the page and try again.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        _log_refusal(status)
        detail = MESSAGES.get(status, error.description or "")
        if status in (400, 405) and error.description and wants_problem_json():
            detail = error.description
        response = _render(status, detail)
        if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response = app.make_response(response)
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        db.session.rollback()
        log.error("database error: %s", error.orig)
        # The page must not ask the database who is signed in: it shows as for a visitor.
        g._login_user = login_manager.anonymous_user()
        return _render(503, MESSAGES[503])

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _render(500, MESSAGES[500])

    app.register_error_handler(InternalServerError, unexpected)
