"""Helpers shared by the API resources: the caller, the JSON body, pagination, one commit."""

from __future__ import annotations

from typing import Any

from flask import g, request

from matchmaker.errors import DomainError, UnsupportedMediaType
from models import User

MAX_PAGE = 10_000


def caller() -> User:
    return g.api_user  # type: ignore[no-any-return]


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 415 or 400 that says what is expected."""
    if not request.is_json:
        raise UnsupportedMediaType(
            "Send a JSON object in the request body with 'Content-Type: application/json'."
        )
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError("Send a JSON object in the request body: it is not valid JSON.")
    return data


def paging() -> tuple[int, int]:
    """(page, per_page) from the query string, within sane bounds."""
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 20))
    except ValueError as exc:
        raise DomainError("page and per_page must be whole numbers.") from exc
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= 100:
        raise DomainError(f"page is between 1 and {MAX_PAGE}; per_page between 1 and 100.")
    return page, per_page
