"""Structured logs: a request id on every request and every log line, plain or JSON lines.

Requests are logged by the app itself (method, path without its query string, status, time,
user id), never with headers, cookies or bodies, so no secret reaches a log line.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler
from sqlalchemy import inspect

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
access_log = logging.getLogger("matchmaker.requests")


def current_request_id() -> str:
    """The id of the request being served (a sane incoming one, else new), or "-" outside one."""
    if not has_request_context():
        return "-"
    if "request_id" not in g:
        g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER, ""))
    return str(g.request_id)


def request_id_from(incoming: str) -> str:
    """The caller's request id when it is sane (a proxy's, to follow a request across
    services), else a new one."""
    return incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Stamps every record passing through the handler with the current request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler this module installs, so a second create_app replaces it."""


def init_app(app: Flask) -> None:
    """Log to stderr through one handler on the "matchmaker" logger; give requests their ids."""
    logger = logging.getLogger("matchmaker")
    logger.setLevel(app.config["LOG_LEVEL"])
    for old in [h for h in logger.handlers if isinstance(h, _Handler) or h is default_handler]:
        logger.removeHandler(old)
    handler = _Handler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    json_lines = app.config["LOG_FORMAT"] == "json"
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(PLAIN_FORMAT))
    logger.addHandler(handler)

    @app.before_request
    def _start_request() -> None:
        current_request_id()
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = current_request_id()
        started = g.get("request_started")
        elapsed_ms = (time.perf_counter() - started) * 1000 if started else 0.0
        access_log.info(
            "%s %s %s %.1fms user=%s",
            request.method,
            request.path,
            response.status_code,
            elapsed_ms,
            acting_user_id(),
        )
        return response


def acting_user_id() -> str:
    """The token or session user's id (never a name or address), or "-"; it never loads the
    user itself, so logging a request cannot query the database (which may be down)."""
    user = g.get("api_user") or g.get("_login_user")  # set once API or Flask-Login resolved it
    if user is None or not user.is_authenticated:
        return "-"
    state = inspect(user, raiseerr=False)
    if state is not None and state.identity:  # without loading: a commit expired the object
        return str(state.identity[0])
    return str(user.id)
