"""Interface languages: who reads which language, the switcher, and localised names and numbers."""

from __future__ import annotations

from functools import lru_cache

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    has_request_context,
    redirect,
    request,
    url_for,
)
from flask_babel import format_decimal, format_percent, get_locale
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from matchmaker.config import PROJECT_ROOT
from matchmaker.extensions import babel, db
from matchmaker.labels import action_label, label
from matchmaker.web import safe_next
from models import Country, Theme

LANGUAGES = {"en": "English", "fr": "Français", "es": "Español"}  # each named in itself
COOKIE = "lang"
COOKIE_SECONDS = 365 * 24 * 3600

i18n = Blueprint("i18n", __name__)


def select_locale() -> str:
    """An explicit choice (the switcher's cookie) wins, else the browser's wish, else English."""
    if not has_request_context():
        return "en"
    return language_for(request.cookies.get(COOKIE), request.headers.get("Accept-Language"))


def language_for(chosen: str | None, accept_language: str | None) -> str:
    """The language of a reader who chose `chosen` (the cookie) and whose browser sends this
    Accept-Language header; also the page cache's, which answers before Flask sees a request."""
    if chosen in LANGUAGES:
        return chosen  # type: ignore[return-value]
    return _browser_language(accept_language or "")


@lru_cache(maxsize=256)  # few distinct headers; parsing one costs more than the lookup
def _browser_language(accept_language: str) -> str:
    wishes = parse_accept_header(accept_language, LanguageAccept)
    return wishes.best_match(LANGUAGES, default="en") or "en"


def current_language() -> str:
    """The reader's language code, also outside a request (the CLI and e-mails read English)."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else "en"


@i18n.get("/language")
def choose_language():
    """Remember the chosen language and go back to the page it was chosen on (a local path only)."""
    language = request.args.get("lang", "")
    if language not in LANGUAGES:
        abort(400)
    response = redirect(safe_next(request.args.get("next"), url_for("profiles.home")))
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    response.set_cookie(
        COOKIE, language, max_age=COOKIE_SECONDS, samesite="Lax", httponly=True, secure=secure
    )
    return response


def country_name(country: Country | str | None) -> str:
    """A country's name in the reader's language, from its row or its ISO 3166 alpha-3 code."""
    if isinstance(country, str):
        row = db.session.get(Country, country.upper())
        return row.name(current_language()) if row else country
    return country.name(current_language()) if country is not None else ""


def theme_name(theme: Theme | str | None) -> str:
    """A theme's name in the reader's language, from its row or its code."""
    if isinstance(theme, str):
        row = db.session.get(Theme, theme)
        return row.name(current_language()) if row else theme
    return theme.name(current_language()) if theme is not None else ""


def number(value: float | int | None, decimals: int | None = None) -> str:
    """A number with the reader's separators (1,234.5 · 1 234,5 · 1.234,5)."""
    if value is None:
        return "—"
    if decimals is None:
        return format_decimal(value)
    return format_decimal(value, format="#,##0." + "#" * decimals if decimals else "#,##0")


def percent(value: float | None) -> str:
    """A share (0.25) as the reader writes a percentage (25%, 25 %)."""
    return "—" if value is None else format_percent(value)


def language_links() -> list[tuple[str, str, str]]:
    """(code, own name, switch URL) for the switcher; the URL brings the reader back here."""
    here = request.full_path.rstrip("?")
    return [
        (code, name, url_for("i18n.choose_language", lang=code, next=here))
        for code, name in LANGUAGES.items()
    ]


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "translations"))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # as babel.cfg extracts them
    app.jinja_env.filters.update(
        country_name=country_name,
        theme_name=theme_name,
        number=number,
        percent=percent,
        label=label,
        action_label=action_label,
    )
    app.jinja_env.globals.update(current_language=current_language, language_links=language_links)
    app.register_blueprint(i18n)
