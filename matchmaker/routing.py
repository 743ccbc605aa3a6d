"""URL converters shared by the pages and the API."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter

from matchmaker.validation import MAX_ID


class IdConverter(BaseConverter):
    """`<id:name>`: digits; a number too large for a record id becomes 0, which names none, so
    the view answers 404 instead of the database failing on an out-of-range integer.

    (Refusing it in the converter instead would make Werkzeug answer 405 to a PATCH.)
    """

    regex = r"\d+"
    part_isolating = True

    def to_python(self, value: str) -> int:
        return int(value) if len(value) <= 10 and int(value) <= MAX_ID else 0

    def to_url(self, value: int) -> str:
        return str(value)


def init_app(app: Flask) -> None:
    """Register the converters; must run before the blueprints' routes are added."""
    app.url_map.converters["id"] = IdConverter
