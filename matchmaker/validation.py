"""Input cleaning shared by every service: collects all field problems, then raises one Invalid."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _

from matchmaker.errors import Invalid

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
MAX_ID = 2**31 - 1  # PostgreSQL's integer: a larger number names no record


def record_id(value: object) -> int | None:
    """A record id sent by a caller (a whole number or its digits), or None if it names none."""
    digits = isinstance(value, str) and value.strip().isascii() and value.strip().isdigit()
    if digits or (isinstance(value, float) and value.is_integer()):
        value = int(value)  # type: ignore[call-overload]
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID:
        return value
    return None


def refuse_unknown(data: dict[str, Any], allowed: Iterable[str]) -> None:
    """A caller may set only these fields: any other (unknown, or read-only such as an owner
    or a state) is refused by name, before anything is written."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise Invalid(
            _("These fields cannot be set here: %(fields)s.", fields=", ".join(unknown)),
            fields={name: "Unknown or read-only field." for name in unknown},
        )


def search_text(value: str, *, max_length: int) -> str:
    """A query-string filter as the database can take it: no control characters, bounded."""
    return unicodedata.normalize("NFC", _CONTROL.sub("", value)).strip()[:max_length]


class Cleaner:
    """Cleans one submission field by field; `done()` raises Invalid if any field was wrong."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def text(
        self, field: str, *, max_length: int, required: bool = True, multiline: bool = False
    ) -> str:
        value = self.data.get(field)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(field, _("Must be text."))
            return ""
        value = unicodedata.normalize("NFC", _CONTROL.sub("", value)).strip()
        if not multiline:
            value = " ".join(value.split())
        if required and not value:
            self.fail(field, _("This field is required."))
        elif len(value) > max_length:
            self.fail(
                field,
                _("Use at most %(max)s characters (you used %(used)s).")
                % {"max": max_length, "used": len(value)},
            )
        return value

    def choice(self, field: str, allowed: Iterable[str], *, required: bool = True) -> str | None:
        value = self.data.get(field)
        allowed = tuple(allowed)
        if value in (None, ""):
            if required:
                self.fail(field, _("This field is required."))
            return None
        if value not in allowed:
            self.fail(field, _("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed)})
            return None
        return str(value)

    def codes(
        self, field: str, allowed: Iterable[str], *, required: bool = False, max_items: int = 20
    ) -> list[str]:
        """A list of codes from a vocabulary; a comma-separated string is accepted too."""
        value = self.data.get(field) or []
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(field, _("Must be a list of codes."))
            return []
        allowed_set = set(allowed)
        unknown = [item for item in value if item not in allowed_set]
        if unknown:
            self.fail(field, _("Unknown code(s): %(codes)s.") % {"codes": ", ".join(unknown[:5])})
        elif required and not value:
            self.fail(field, _("Choose at least one."))
        elif len(value) > max_items:
            self.fail(field, _("Choose at most %(max)s.") % {"max": max_items})
        return list(dict.fromkeys(value))

    def languages(self, field: str, *, required: bool = False) -> list[str]:
        value = self.data.get(field) or []
        if isinstance(value, str):
            value = [part.strip().lower() for part in value.split(",") if part.strip()]
        if not isinstance(value, list) or not all(
            isinstance(item, str) and _LANGUAGE.match(item) for item in value
        ):
            self.fail(field, _("Use two-letter ISO 639-1 language codes, e.g. en, fr, es."))
            return []
        if required and not value:
            self.fail(field, _("Give at least one language."))
        return list(dict.fromkeys(value))[:10]

    def integer(
        self, field: str, *, minimum: int, maximum: int, default: int | None = None
    ) -> int | None:
        value = self.data.get(field, default)
        if value in (None, ""):
            return default
        if isinstance(value, bool):
            self.fail(field, _("Must be a whole number."))
            return default
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            self.fail(field, _("Must be a whole number."))
            return default
        if isinstance(value, float) and value != number:
            self.fail(field, _("Must be a whole number."))
        if not minimum <= number <= maximum:
            self.fail(
                field, _("Must be between %(min)s and %(max)s.") % {"min": minimum, "max": maximum}
            )
        return number

    def date(self, field: str) -> date | None:
        value = self.data.get(field)
        if value in (None, ""):
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(field, _("Use a date like 2027-03-31."))
            return None

    def url(self, field: str, *, max_length: int = 300) -> str | None:
        value = self.text(field, max_length=max_length, required=False)
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            self.fail(field, _("Use a full web address starting with https:// or http://."))
        return value

    def done(self) -> None:
        if self.errors:
            fields = ", ".join(self.errors)
            raise Invalid(_("Please correct: %(fields)s.") % {"fields": fields}, fields=self.errors)
