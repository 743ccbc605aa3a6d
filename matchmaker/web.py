"""Small helpers every page view uses: the acting user, one commit per request, safe redirects."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash
from flask_login import current_user

from matchmaker.errors import DomainError
from matchmaker.extensions import db
from models import User


def current_actor() -> User | None:
    """The signed-in user, or None for anonymous visitors."""
    if current_user.is_authenticated:
        return current_user._get_current_object()  # type: ignore[no-any-return]
    return None


def commit() -> None:
    """Commit the request's unit of work; callers roll back by letting the error propagate."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def refuse(error: DomainError) -> None:
    """Undo the request's work; 403 and 404 become error pages, the rest a message to act on."""
    db.session.rollback()
    if error.status in (403, 404):
        raise error
    flash(error.message, "error")


def safe_next(target: str | None, default: str) -> str:
    """Follow `next` only to a path on this site (no scheme, host or protocol-relative URL)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return default
    return target


def page_number(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or 1), 10_000))
    except ValueError:
        return 1
