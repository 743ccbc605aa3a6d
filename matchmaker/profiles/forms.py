"""Profile, need and offer forms (CSRF by Flask-WTF; the rules live in the services)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from matchmaker.auth.forms import OrganisationFields
from matchmaker.knowledge.vocabulary import MODALITIES, OFFER_STATUSES


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OrganisationForm(OrganisationFields):
    pass


class EntryForm(FlaskForm):
    """Fields of a need or an offer; offer-only fields are removed for needs and vice versa.

    Only type coercion happens here: the service checks every rule, so all errors show at once.
    """

    title = StringField("Title")
    description = TextAreaField("Description")
    text_language = StringField(
        "Language of this text", default="en", description="Two-letter code, e.g. en, fr, es, pt"
    )
    themes = CheckboxesField("Themes", choices=[])
    modalities = CheckboxesField(
        "Modalities", choices=[(m, m.replace("_", " ").capitalize()) for m in MODALITIES]
    )
    languages = StringField(
        "Languages the exchange can run in",
        description="Two-letter codes separated by commas, e.g. en, fr",
    )
    source = StringField("Source or reference (optional)")
    start_date = DateField("Earliest start", validators=[Optional()])
    end_date = DateField("Latest end", validators=[Optional()])
    evidence = TextAreaField("Evidence of results")
    capacity = IntegerField("Exchanges you can host per year", default=2, validators=[Optional()])
    status = SelectField(
        "Status", choices=[(s, s.capitalize()) for s in OFFER_STATUSES], default="draft"
    )

    NEED_ONLY = ("start_date", "end_date")
    OFFER_ONLY = ("evidence", "capacity")

    def for_kind(self, noun: str) -> EntryForm:
        for name in self.OFFER_ONLY if noun == "need" else self.NEED_ONLY:
            delattr(self, name)
        return self

    def values(self) -> dict[str, object]:
        return {field.name: field.data for field in self if field.name != "csrf_token"}
