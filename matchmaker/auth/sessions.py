"""Session time-outs: a signed-in session ends when idle too long, and some hours after sign-in.

Both instants live in the signed session cookie, so a stolen cookie cannot be made younger;
password change and sign-out end every session through the rotating token (see services).
"""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, request, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user, user_logged_in

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
SESSIONLESS_BLUEPRINTS = frozenset({"api", "health"})  # tokens; probes that must not query
SEEN_RESOLUTION_SECONDS = 60  # refresh "seen" at most once a minute: fewer cookie rewrites


def init_app(app: Flask) -> None:
    user_logged_in.connect(_stamp_sign_in)
    app.before_request(_end_expired_session)


def _stamp_sign_in(_sender: object, **_extra: object) -> None:
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def expired(signed_in_at: int, seen_at: int, now: int) -> str | None:
    """Why a session with these instants is over ("idle", "maximum"), or None."""
    config = current_app.config
    if now - seen_at > int(config["SESSION_IDLE_MINUTES"]) * 60:
        return "idle"
    if now - signed_in_at > int(config["SESSION_MAX_HOURS"]) * 3600:
        return "maximum"
    return None


def _end_expired_session() -> None:
    if request.endpoint == "static" or request.blueprint in SESSIONLESS_BLUEPRINTS:
        return
    if not current_user.is_authenticated:
        return
    now = int(time.time())
    reason = expired(int(session.get(SIGNED_IN_AT, 0)), int(session.get(SEEN_AT, 0)), now)
    if reason is None:
        if now - int(session[SEEN_AT]) >= SEEN_RESOLUTION_SECONDS:
            session[SEEN_AT] = now
        return
    current_app.logger.info("session of user %s ended: %s time-out", current_user.id, reason)
    logout_user()
    session.pop(SIGNED_IN_AT, None)
    session.pop(SEEN_AT, None)
    if reason == "idle":
        flash(
            _("You were signed out after a while without activity. Please sign in again."), "info"
        )
    else:
        flash(_("For your security, sessions last a limited time. Please sign in again."), "info")
