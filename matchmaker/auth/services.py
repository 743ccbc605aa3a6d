"""Accounts: registration, sign-in, passwords, sessions, API tokens and invitations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from matchmaker import access
from matchmaker.database import writes_expected
from matchmaker.errors import Invalid, NotFound
from matchmaker.extensions import db
from matchmaker.memo import Row, app_memo, revive, snapshot
from matchmaker.profiles import organisations
from matchmaker.security import (
    hash_password,
    new_token,
    password_needs_rehash,
    password_problem,
    token_digest,
    verify_password,
)
from matchmaker.validation import Cleaner
from models import ApiToken, Invitation, Organisation, OutboxMessage, User
from models.base import as_utc, utcnow
from models.user import ROLES

INVITATION_DAYS = 14
TOKEN_USE_RESOLUTION = timedelta(minutes=5)  # how precisely a token's "last used" is kept


def normalise_email(raw: object, field: str = "email") -> str:
    """Syntax-checked, case-folded e-mail: the unique key of an account."""
    if not isinstance(raw, str) or not raw.strip():
        raise Invalid(_("Enter an e-mail address."), fields={field: _("This field is required.")})
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise Invalid(f"This e-mail address is not valid: {exc}", fields={field: str(exc)}) from exc
    return result.normalized.casefold()


def _check_new_password(password: object, email: str, field: str = "password") -> str:
    if not isinstance(password, str):
        raise Invalid(_("Enter a password."), fields={field: _("This field is required.")})
    problem = password_problem(password, email=email)
    if problem:
        raise Invalid(problem, fields={field: problem})
    return password


def _email_taken(email: str) -> bool:
    return db.session.scalar(select(User.id).where(User.email == email)) is not None


def create_user(
    *, email: str, password: str, display_name: str, role: str, organisation: Organisation | None
) -> User:
    """The one place an account is made; callers decide on the organisation."""
    email = normalise_email(email)
    if role not in ROLES:
        raise Invalid(
            f"Role must be one of {', '.join(ROLES)}.", fields={"role": _("Unknown role.")}
        )
    if role == "member" and organisation is None:
        raise Invalid(
            _("A member belongs to an organisation."), fields={"organisation": _("Required.")}
        )
    if _email_taken(email):
        raise Invalid(
            _("An account with this e-mail address already exists."),
            fields={"email": _("Already registered.")},
        )
    user = User(
        email=email,
        password_hash=hash_password(_check_new_password(password, email)),
        display_name=display_name.strip() or email.split("@")[0],
        role=role,
        organisation=organisation,
        session_token=new_token(),
        password_changed_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def register(data: dict[str, Any]) -> User:
    """Self-registration: join an invited organisation, or create a new, unverified one."""
    cleaner = Cleaner(data)
    display_name = cleaner.text("display_name", max_length=120)
    evidence = cleaner.text("evidence", max_length=2000, required=False, multiline=True)
    cleaner.done()
    email = normalise_email(data.get("email"))
    _check_new_password(data.get("password"), email)
    invitation_token = str(data.get("invitation") or "").strip()
    if invitation_token:
        invitation = _open_invitation(invitation_token, email)
        organisation = invitation.organisation
        invitation.accepted_at = utcnow()
    else:
        if _email_taken(email):  # before creating the organisation: nothing half-written
            raise Invalid(
                _("An account with this e-mail address already exists."),
                fields={"email": _("Already registered.")},
            )
        values = organisations.clean_organisation(data)
        organisation = organisations.create_organisation(values, verified=False, evidence=evidence)
    return create_user(
        email=email,
        password=str(data["password"]),
        display_name=display_name,
        role="member",
        organisation=organisation,
    )


def authenticate(email: object, password: object) -> User | None:
    """The active user these credentials belong to, or None (same cost either way)."""
    if not isinstance(email, str) or not isinstance(password, str) or len(password) > 1024:
        return None
    if "\x00" in email or len(email) > 254:  # no address has them; PostgreSQL refuses NUL
        return None
    user = db.session.scalar(select(User).where(User.email == email.strip().casefold()))
    valid = verify_password(user.password_hash if user else None, password)
    if not (valid and user and user.active):
        return None
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def rotate_session(user: User) -> None:
    """End every session of this user: cookies name the old token, which no longer exists."""
    user.session_token = new_token()


def require_password(user: User, password: object) -> None:
    """Re-authentication before a sensitive change: the person at the keyboard knows it."""
    if not isinstance(password, str) or not verify_password(user.password_hash, password):
        raise Invalid(
            _("Your current password is not correct."),
            fields={"current_password": _("Not correct.")},
        )


def change_password(user: User, current: str, new: str) -> None:
    require_password(user, current)
    _check_new_password(new, user.email, field="new_password")
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    rotate_session(user)


def change_email(user: User, current_password: str, new_email: object) -> None:
    """Re-authenticated; the old address hears of it, in case someone else made the change."""
    require_password(user, current_password)
    email = normalise_email(new_email, field="new_email")
    if email == user.email:
        raise Invalid(
            _("This is already your e-mail address."), fields={"new_email": _("Unchanged.")}
        )
    if _email_taken(email):
        raise Invalid(
            _("Another account uses this e-mail address."),
            fields={"new_email": _("Already registered.")},
        )
    old_email, user.email = user.email, email
    db.session.add(
        OutboxMessage(
            recipient=old_email,
            subject="[Matchmaker] Your e-mail address was changed",
            body=f"Hello {user.display_name},\n\nThe e-mail address of your Matchmaker account "
            "was changed. If you did not do this, contact a coordinator at once.\n",
        )
    )
    db.session.flush()


def set_password(user: User, new: str) -> None:
    """An administrator's reset (CLI); ends the user's sessions."""
    _check_new_password(new, user.email)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    rotate_session(user)


def user_for_session(session_token: str) -> User | None:
    user = db.session.scalar(select(User).where(User.session_token == session_token))
    return user if user and user.active else None


def issue_api_token(user: User, name: str, lifetime_days: int) -> str:
    """Create a token; the caller shows it once, only its digest is kept."""
    token = new_token()
    db.session.add(
        ApiToken(
            user=user,
            name=(name.strip() or "API token")[:80],
            token_hash=token_digest(token),
            expires_at=utcnow() + timedelta(days=lifetime_days),
        )
    )
    db.session.flush()
    return token


@dataclass(frozen=True)
class _TokenFacts:
    """What a token's check needs, kept between calls (``matchmaker.memo``)."""

    token_id: int
    revoked: bool
    expires_at: datetime
    last_used_at: datetime | None
    user: Row[User]


def user_for_api_token(token: str) -> User | None:
    digest = token_digest(token)
    facts = app_memo("api-tokens", ("api_tokens", "users")).get(
        digest, lambda: _token_facts(digest)
    )
    now = utcnow()
    if facts is None or facts.revoked or as_utc(facts.expires_at) <= now:
        return None
    if not facts.user.values["active"]:
        return None
    if facts.last_used_at is None or as_utc(facts.last_used_at) <= now - TOKEN_USE_RESOLUTION:
        if writes_expected.get():  # SQLite: this request holds the write lock already
            row = db.session.get(ApiToken, facts.token_id)
            if row is None:  # deleted by another process since it was kept
                return None
            row.last_used_at = now
        else:
            _note_token_use(facts.token_id, now)
            # End the read transaction the lookup began: on SQLite one begun before that
            # write could not turn into a write later in the request.
            db.session.rollback()
    return revive(db.session, facts.user)


def _token_facts(digest: str) -> _TokenFacts | None:
    row = db.session.scalar(
        select(ApiToken).options(joinedload(ApiToken.user)).where(ApiToken.token_hash == digest)
    )
    if row is None:
        return None
    return _TokenFacts(
        row.id, row.revoked_at is not None, row.expires_at, row.last_used_at, snapshot(row.user)
    )


def _note_token_use(token_id: int, now: datetime) -> None:
    """Record a token's use at most every few minutes, in a transaction of its own: kept
    when the request only reads (and rolls back), and calls with one token do not queue
    behind each other on its row."""
    with db.engine.begin() as connection:
        connection.execute(
            update(ApiToken)
            .where(
                ApiToken.id == token_id,
                or_(
                    ApiToken.last_used_at.is_(None),
                    ApiToken.last_used_at <= now - TOKEN_USE_RESOLUTION,
                ),
            )
            .values(last_used_at=now)
        )


def revoke_api_token(user: User, token_id: int) -> None:
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound(_("No such token."))
    if row.revoked_at is None:
        row.revoked_at = utcnow()


def invite(actor: User, organisation: Organisation, email: str) -> str:
    """A coordinator invites someone to join an organisation; returns the one-time code."""
    access.require_staff(actor)
    email = normalise_email(email)
    if _email_taken(email):
        raise Invalid(_("This person already has an account."), fields={"email": _("Registered.")})
    token = new_token()
    db.session.add(
        Invitation(
            organisation=organisation,
            email=email,
            invited_by_id=actor.id,
            token_hash=token_digest(token),
            expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
        )
    )
    db.session.flush()
    return token


def _open_invitation(token: str, email: str) -> Invitation:
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == token_digest(token))
    )
    if (
        invitation is None
        or invitation.accepted_at is not None
        or as_utc(invitation.expires_at) <= utcnow()
    ):
        raise Invalid(
            _("This invitation is not valid any more: ask the coordinator for a new one."),
            fields={"invitation": _("Invalid or expired.")},
        )
    if invitation.email != email:
        raise Invalid(
            _(
                "This invitation was sent to another e-mail address: register with that "
                "address, or ask the coordinator for a new invitation."
            ),
            fields={"email": _("Not the invited address.")},
        )
    return invitation
