"""Form helpers: service errors shown next to their fields, submitted values for services."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm

from matchmaker.errors import DomainError


def show_errors(form: FlaskForm, error: DomainError, aliases: dict[str, str] | None = None) -> None:
    """The message as a summary at the top of the form, and each field error under its field."""
    aliases = aliases or {}
    form.form_errors.append(error.message)
    for name, message in error.fields.items():
        field = getattr(form, aliases.get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]


def form_data(form: FlaskForm, *names: str) -> dict[str, Any]:
    """The submitted values of the named fields, as services expect them."""
    return {name: getattr(form, name).data for name in names}
