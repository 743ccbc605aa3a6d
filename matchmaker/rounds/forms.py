"""Round forms (CSRF by Flask-WTF); only type coercion here, the rules live in the services."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import Optional

from matchmaker.profiles.choices import ILO_REGION_LABELS, country_choices, theme_choices
from models.round import PAIR_RULES


class RoundForm(FlaskForm):
    """A round's settings and the filters that select its needs."""

    name = StringField(_l("Name"))
    region = SelectField(_l("ILO region of the requesters"), choices=[], default="")
    country = SelectField(_l("Country of the requesters"), choices=[], default="")
    theme = SelectField(_l("Theme"), choices=[], default="")
    min_partners = IntegerField(
        _l("Fewest partners per need"),
        default=1,
        validators=[Optional()],
        description=_l("A need with fewer is reported unserved."),
    )
    max_partners = IntegerField(_l("Most partners per need"), default=3, validators=[Optional()])
    candidates = IntegerField(
        _l("Candidates per need (K)"),
        default=50,
        validators=[Optional()],
        description=_l("The solver chooses among each need's K best-ranked providers."),
    )
    country_cap = IntegerField(
        _l("Most exchanges per provider country"),
        validators=[Optional()],
        description=_l("Leave empty for no cap."),
    )
    prefer_same_region = BooleanField(
        _l("Prefer at least one partner from the requester's region"), default=True
    )
    version = HiddenField()

    def with_choices(self) -> RoundForm:
        self.region.choices = [("", _("Any region")), *ILO_REGION_LABELS.items()]
        self.country.choices = country_choices(_("Any country"))
        self.theme.choices = [("", _("Any theme")), *theme_choices()]
        return self

    def values(self) -> dict[str, Any]:
        return {f.name: f.data for f in self if f.name not in ("csrf_token", "version")}


class RuleForm(FlaskForm):
    """A conflict, must-pair or never-pair between one need of the round and a provider."""

    need_id = SelectField(_l("Need"), choices=[])
    organisation_id = IntegerField(_l("Provider organisation id"))
    kind = SelectField(
        _l("Rule"),
        choices=[
            (kind, label)
            for kind, label in zip(
                PAIR_RULES,
                (_l("Declared conflict"), _l("Must pair"), _l("Never pair")),
                strict=True,
            )
        ],
    )
    version = HiddenField()


class CapacityForm(FlaskForm):
    """A provider's capacity in this round; empty restores the default from its offers."""

    organisation_id = IntegerField(_l("Provider organisation id"))
    capacity = IntegerField(_l("Exchanges in this round"), validators=[Optional()])
    version = HiddenField()
