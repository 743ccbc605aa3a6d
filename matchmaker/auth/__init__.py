"""Sign-up, sign-in, sessions and API tokens."""

from __future__ import annotations

from flask import Flask

from matchmaker.auth import sessions, views
from matchmaker.auth.services import user_for_session
from matchmaker.extensions import login_manager

__all__ = ["init_login", "views"]


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.user_loader(user_for_session)
    sessions.init_app(app)
