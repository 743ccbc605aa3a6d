"""Coordinators' CSV import of organisations, needs and offers: preview with per-row errors,
then one transaction that writes every row or none.

Rows go through the same services as the pages and the API, so the same rules hold. Import
creates records; a row naming a record that already exists is an error, never an overwrite.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from matchmaker import access
from matchmaker.errors import DomainError, Invalid
from matchmaker.extensions import db
from matchmaker.profiles import catalogue, organisations
from matchmaker.profiles.catalogue import NEEDS, OFFERS
from models import User

MAX_ROWS = 5000
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


def _read(kind: str, text: str) -> list[Row]:
    """Parse the file; problems with the file as a whole raise Invalid."""
    if kind not in COLUMNS:
        raise Invalid(
            "Choose what the file holds: organisations, offers or needs.",
            fields={"kind": "Unknown kind."},
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
            fields={"file": "Wrong columns."},
        )
    rows = []
    for number, raw in enumerate(reader, start=2):
        if len(rows) >= MAX_ROWS:
            raise Invalid(
                f"At most {MAX_ROWS} rows per file; split it.", fields={"file": "Too long."}
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
        raise Invalid("The file has a header but no rows.", fields={"file": "Empty."})
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
