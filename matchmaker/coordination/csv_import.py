"""Coordinators' CSV import of organisations, needs and offers: preview with per-row errors,
then one transaction that writes every row or none.

Rows go through the same services as the pages and the API, so the same rules hold. Import
creates records; a row naming a record that already exists is an error, never an overwrite.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from matchmaker import access
from matchmaker.errors import DomainError, Invalid
from matchmaker.extensions import db
from matchmaker.profiles import catalogue, organisations
from matchmaker.profiles.catalogue import NEEDS, OFFERS
from models import User

MAX_ROWS = 5000
# What browsers and spreadsheet programs send for a .csv file (Windows says Excel, some none).
CSV_CONTENT_TYPES = frozenset(
    {
        "",
        "text/csv",
        "text/plain",
        "application/csv",
        "application/vnd.ms-excel",
        "application/octet-stream",
    }
)
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
LIST_COLUMNS = {"languages", "working_languages", "themes", "modalities"}
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required columns, optional columns)
    "organisations": (
        ("name", "country", "constituent_type", "working_languages"),
        ("subtype", "description", "website"),
    ),
    "offers": (
        ("organisation", "country", "title", "description"),
        (
            "text_language",
            "themes",
            "modalities",
            "languages",
            "evidence",
            "capacity",
            "source",
            "status",
        ),
    ),
    "needs": (
        ("organisation", "country", "title", "description"),
        (
            "text_language",
            "themes",
            "modalities",
            "languages",
            "start_date",
            "end_date",
            "source",
            "status",
        ),
    ),
}


@dataclass
class Row:
    number: int  # line in the file, header being line 1
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)


def decode_upload(filename: str, content_type: str, data: bytes) -> str:
    """The text of an uploaded file, refused with a clear message unless it is UTF-8 CSV text."""
    if not filename.lower().endswith(".csv"):
        raise Invalid(
            _("Upload a .csv file (comma-separated, UTF-8)."), fields={"file": _("Not CSV.")}
        )
    if content_type.split(";")[0].strip().lower() not in CSV_CONTENT_TYPES:
        raise Invalid(
            f"The file was sent as {content_type}, not as CSV text: export it from your "
            "spreadsheet as 'CSV UTF-8'.",
            fields={"file": _("Not CSV.")},
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(
            _("The file is not UTF-8 text: save it as 'CSV UTF-8' and try again."),
            fields={"file": _("Not UTF-8.")},
        ) from exc


def _read(kind: str, text: str) -> list[Row]:
    """Parse the file; problems with the file as a whole raise Invalid."""
    if _BINARY.search(text):
        raise Invalid(
            _("The file holds binary data, not CSV text: export it as 'CSV UTF-8'."),
            fields={"file": _("Binary content.")},
        )
    try:
        return _parse(kind, text)
    except csv.Error as exc:
        raise Invalid(
            f"The file is not well-formed CSV ({exc}); check its quotes and separators.",
            fields={"file": _("Malformed CSV.")},
        ) from exc


def _parse(kind: str, text: str) -> list[Row]:
    if kind not in COLUMNS:
        raise Invalid(
            _("Choose what the file holds: organisations, offers or needs."),
            fields={"kind": _("Unknown kind.")},
        )
    required, optional = COLUMNS[kind]
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in required if name not in header]
    unknown = [name for name in header if name not in required + optional]
    if missing or unknown:
        parts = ([f"missing column(s): {', '.join(missing)}"] if missing else []) + (
            [f"unknown column(s): {', '.join(unknown)}"] if unknown else []
        )
        raise Invalid(
            f"The header does not fit {kind}: {'; '.join(parts)}. Expected: "
            f"{', '.join(required)} (required), {', '.join(optional)} (optional).",
            fields={"file": _("Wrong columns.")},
        )
    rows = []
    for number, raw in enumerate(reader, start=2):
        if len(rows) >= MAX_ROWS:
            raise Invalid(
                f"At most {MAX_ROWS} rows per file; split it.", fields={"file": _("Too long.")}
            )
        if None in raw:
            rows.append(Row(number, {}, {"file": "More cells than columns on this line."}))
            continue
        values = {key.strip(): (value or "").strip() for key, value in raw.items()}
        if not any(values.values()):
            continue
        for name in LIST_COLUMNS & values.keys():
            values[name] = [
                part.strip() for part in values[name].replace(";", ",").split(",") if part.strip()
            ]
        rows.append(Row(number, values))
    if not rows:
        raise Invalid(_("The file has a header but no rows."), fields={"file": _("Empty.")})
    return rows


def _write_row(kind: str, row: Row) -> None:
    """Create one row's record in the current transaction, or record why it cannot be."""
    values = dict(row.values)
    try:
        if kind == "organisations":
            cleaned = organisations.clean_organisation(
                {**values, "country": values.get("country", "")}
            )
            organisations.create_organisation(cleaned, verified=True)
            return
        country, name = values.pop("country", "").upper(), values.pop("organisation", "")
        owner = organisations.find_by_name(country, name)
        if owner is None:
            row.errors["organisation"] = f"No organisation {name!r} in {country or '?'}."
            return
        catalogue.create_for(NEEDS if kind == "needs" else OFFERS, owner, values)
    except DomainError as error:
        row.errors.update(error.fields or {"row": error.message})


def check_and_import(actor: User, kind: str, text: str, *, commit: bool) -> list[Row]:
    """Validate every row by writing it inside a savepoint; keep the writes only when all
    rows are clean and `commit` is asked. Returns the rows with their errors."""
    access.require_staff(actor)
    rows = _read(kind, text)
    savepoint = db.session.begin_nested()
    for row in rows:
        if not row.errors:
            inner = db.session.begin_nested()
            _write_row(kind, row)
            if row.errors:
                inner.rollback()
            else:
                inner.commit()
    if commit and not any(row.errors for row in rows):
        savepoint.commit()
    else:
        savepoint.rollback()
    return rows
