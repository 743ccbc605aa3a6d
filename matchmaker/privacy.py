"""Inventory of personal data: every column that holds or points to a person, and why.

tests/test_privacy_inventory.py fails when a column that looks personal is added to the models
without being listed here (as personal, or as not personal with the reason), and when a listed
column no longer exists. Erasure (matchmaker.auth.personal_data) follows the retention column.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PersonalField:
    purpose: str
    visibility: str
    retention: str


ACCOUNT = "until the account is deleted"
STAFF = "coordinators and admins"
CONTACT_VISIBILITY = (
    "the person; coordinators and admins; members of the organisations taking part in an "
    "exchange with the person's organisation, once it is proposed"
)
LINK = "the record's own readers (shown as the person's display name)"
PSEUDONYMISED = "kept; shows the pseudonym once the person deletes their account"

PERSONAL_DATA: dict[str, PersonalField] = {
    "users.email": PersonalField(
        "sign-in and e-mail notifications",
        CONTACT_VISIBILITY,
        f"{ACCOUNT}, then replaced by a unique address on the .invalid domain",
    ),
    "users.display_name": PersonalField(
        "how the person appears to others",
        "signed-in users who see the person's records",
        f"{ACCOUNT}, then replaced by a pseudonym",
    ),
    "users.password_hash": PersonalField(
        "sign-in (Argon2 hash, never the password)", "nobody", f"{ACCOUNT}, then removed"
    ),
    "users.session_token": PersonalField(
        "names the person's sessions; rotated to end them", "nobody", "rotated on deletion"
    ),
    "users.last_login_at": PersonalField(
        "security review", "the person", f"{ACCOUNT}, then removed"
    ),
    "users.password_changed_at": PersonalField(
        "security review", "the person", f"{ACCOUNT}, then removed"
    ),
    "api_tokens.user_id": PersonalField(
        "whose token it is", "the person", f"{ACCOUNT}, then the tokens are deleted"
    ),
    "api_tokens.token_hash": PersonalField(
        "API sign-in (SHA-256 of the token)", "nobody", f"{ACCOUNT}, then deleted"
    ),
    "invitations.email": PersonalField(
        "invite a person to join an organisation",
        STAFF,
        "kept as a record of the invitation; replaced by the pseudonymous address on deletion",
    ),
    "invitations.invited_by_id": PersonalField("who invited", STAFF, PSEUDONYMISED),
    "exchanges.created_by_id": PersonalField("who drafted the exchange", LINK, PSEUDONYMISED),
    "exchange_events.actor_id": PersonalField("audit trail", LINK, PSEUDONYMISED),
    "exchange_events.actor_name": PersonalField(
        "audit trail, as it read at the time",
        "the exchange's parties and coordinators",
        "kept; replaced by the pseudonym on deletion",
    ),
    "exchange_events.actor_role": PersonalField("audit trail", LINK, PSEUDONYMISED),
    "evaluations.author_id": PersonalField("who evaluated", LINK, PSEUDONYMISED),
    "verification_decisions.decided_by_id": PersonalField("who decided", STAFF, PSEUDONYMISED),
    "rounds.created_by_id": PersonalField("who set up the round", STAFF, PSEUDONYMISED),
    "round_solves.started_by_id": PersonalField("who started a solve", STAFF, PSEUDONYMISED),
    "round_solves.cancelled_by_id": PersonalField("who cancelled a solve", STAFF, PSEUDONYMISED),
    "notifications.user_id": PersonalField(
        "whom a notification is for", "the person", f"{ACCOUNT}, then deleted"
    ),
    "notifications.message": PersonalField(
        "names the person who acted",
        "the recipient",
        "the person's own are deleted; in others' the name is replaced by the pseudonym",
    ),
    "outbox.recipient": PersonalField(
        "where an e-mail goes",
        "nobody in the app (operators)",
        "unsent ones are deleted on account deletion, sent ones pseudonymised",
    ),
    "outbox.body": PersonalField(
        "the e-mail's text (greets the recipient, names the actor)",
        "nobody in the app",
        "the deleted person's own are erased; others' keep the text they were sent",
    ),
    "organisations.verification_evidence": PersonalField(
        "how a coordinator confirms a representative (may name them)",
        STAFF,
        "as long as the organisation",
    ),
}

# Columns whose names look personal but hold no personal data.
NOT_PERSONAL: dict[str, str] = {
    "countries.names": "country names in several languages",
    "themes.names": "theme names in several languages",
    "organisations.name": "an institution's name, public once verified",
    "organisations.name_key": "the institution's name, case-folded",
    "offers.evidence": "an institution's track record for an offer",
    "api_tokens.name": "a label for the token",
    "invitations.token_hash": "SHA-256 of a one-time invitation code, not tied to an account",
    "rounds.name": "a matching round's name",
    "index_changes.token": "a random version stamp of the matching index",
}
