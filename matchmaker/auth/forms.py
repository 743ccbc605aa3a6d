"""Sign-in, registration and account forms (CSRF by Flask-WTF; rules live in the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import EqualTo, InputRequired, Length

from matchmaker.knowledge.vocabulary import CONSTITUENT_TYPES, SUBTYPES
from matchmaker.labels import choice_label

TYPE_LABELS = {
    "government": _l("Government (ministry, public employment service, social security, ...)"),
    "employers": _l("Employers' organisation"),
    "workers": _l("Workers' organisation"),
    "other": _l("Other institution (training centre, regional body, UN agency, partner, ...)"),
}


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired()])
    password = PasswordField(_l("Password"), validators=[InputRequired()])
    next = HiddenField()


class OrganisationFields(FlaskForm):
    """Profile fields shared by registration and profile editing."""

    subtype = SelectField(
        _l("Kind of institution"),
        validate_choice=False,
        choices=[("", "—")] + [(code, choice_label(code)) for code in SUBTYPES],
    )
    website = StringField(_l("Website"))
    working_languages = StringField(
        _l("Working languages"), description=_l("Two-letter codes separated by commas, e.g. en, fr")
    )
    description = TextAreaField(_l("About the organisation"))


class RegisterForm(OrganisationFields):
    display_name = StringField(_l("Your name"))
    email = EmailField(_l("E-mail"))
    password = PasswordField(
        _l("Password"), description=_l("At least 12 characters; not a common one.")
    )
    confirm = PasswordField(
        _l("Repeat the password"), validators=[EqualTo("password", _l("Passwords differ."))]
    )
    invitation = StringField(_l("Invitation code (if a coordinator invited you)"))
    name = StringField(_l("Organisation name"))
    country = SelectField(_l("Country"), choices=[], validate_choice=False)
    constituent_type = SelectField(
        _l("Constituent type"),
        validate_choice=False,
        choices=[("", "—")] + [(c, TYPE_LABELS[c]) for c in CONSTITUENT_TYPES],
    )
    evidence = TextAreaField(
        _l("Evidence for verification"),
        description=_l(
            "How a coordinator can confirm you represent this organisation "
            "(official web page listing you, mandate letter, ...)."
        ),
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired()])
    new_password = PasswordField(_l("New password"), validators=[InputRequired()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(), EqualTo("new_password", _l("Passwords differ."))],
    )


class EmailForm(FlaskForm):
    new_email = EmailField(_l("New e-mail address"), validators=[InputRequired()])
    current_password = PasswordField(_l("Current password"), validators=[InputRequired()])


class DeleteAccountForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired()])


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[Length(max=80)])
