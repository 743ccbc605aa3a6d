"""Sign-in, registration and account forms (CSRF by Flask-WTF; rules live in the services)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import EqualTo, InputRequired, Length

from matchmaker.knowledge.vocabulary import CONSTITUENT_TYPES, SUBTYPES

TYPE_LABELS = {
    "government": "Government (ministry, public employment service, social security, ...)",
    "employers": "Employers' organisation",
    "workers": "Workers' organisation",
    "other": "Other institution (training centre, regional body, UN agency, partner, ...)",
}


def subtype_label(code: str) -> str:
    return code.replace("_", " ").capitalize()


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[InputRequired()])
    password = PasswordField("Password", validators=[InputRequired()])
    next = HiddenField()


class OrganisationFields(FlaskForm):
    """Profile fields shared by registration and profile editing."""

    subtype = SelectField(
        "Kind of institution",
        validate_choice=False,
        choices=[("", "—")] + [(code, subtype_label(code)) for code in SUBTYPES],
    )
    website = StringField("Website")
    working_languages = StringField(
        "Working languages", description="Two-letter codes separated by commas, e.g. en, fr"
    )
    description = TextAreaField("About the organisation")


class RegisterForm(OrganisationFields):
    display_name = StringField("Your name")
    email = EmailField("E-mail")
    password = PasswordField("Password", description="At least 12 characters; not a common one.")
    confirm = PasswordField(
        "Repeat the password", validators=[EqualTo("password", "Passwords differ.")]
    )
    invitation = StringField("Invitation code (if a coordinator invited you)")
    name = StringField("Organisation name")
    country = SelectField("Country", choices=[], validate_choice=False)
    constituent_type = SelectField(
        "Constituent type",
        validate_choice=False,
        choices=[("", "—")] + [(c, TYPE_LABELS[c]) for c in CONSTITUENT_TYPES],
    )
    evidence = TextAreaField(
        "Evidence for verification",
        description="How a coordinator can confirm you represent this organisation "
        "(official web page listing you, mandate letter, ...).",
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[InputRequired()])
    new_password = PasswordField("New password", validators=[InputRequired()])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[InputRequired(), EqualTo("new_password", "Passwords differ.")],
    )


class TokenForm(FlaskForm):
    name = StringField("Token name", validators=[Length(max=80)])
