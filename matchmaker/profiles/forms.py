"""Profile, need and offer forms (CSRF by Flask-WTF; the rules live in the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
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
from matchmaker.labels import choice_label


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OrganisationForm(OrganisationFields):
    pass


class EntryForm(FlaskForm):
    """Fields of a need or an offer; offer-only fields are removed for needs and vice versa.

    Only type coercion happens here: the service checks every rule, so all errors show at once.
    """

    title = StringField(_l("Title"))
    description = TextAreaField(_l("Description"))
    text_language = StringField(
        _l("Language of this text"),
        default="en",
        description=_l("Two-letter code, e.g. en, fr, es, pt"),
    )
    themes = CheckboxesField(_l("Themes"), choices=[])
    modalities = CheckboxesField(
        _l("Modalities"), choices=[(m, choice_label(m)) for m in MODALITIES]
    )
    languages = StringField(
        _l("Languages the exchange can run in"),
        description=_l("Two-letter codes separated by commas, e.g. en, fr"),
    )
    source = StringField(_l("Source or reference (optional)"))
    start_date = DateField(_l("Earliest start"), validators=[Optional()])
    end_date = DateField(_l("Latest end"), validators=[Optional()])
    evidence = TextAreaField(_l("Evidence of results"))
    capacity = IntegerField(
        _l("Exchanges you can host per year"), default=2, validators=[Optional()]
    )
    status = SelectField(
        _l("Status"), choices=[(s, choice_label(s)) for s in OFFER_STATUSES], default="draft"
    )

    NEED_ONLY = ("start_date", "end_date")
    OFFER_ONLY = ("evidence", "capacity")

    def for_kind(self, noun: str) -> EntryForm:
        for name in self.OFFER_ONLY if noun == "need" else self.NEED_ONLY:
            delattr(self, name)
        return self

    def values(self) -> dict[str, object]:
        return {field.name: field.data for field in self if field.name != "csrf_token"}
