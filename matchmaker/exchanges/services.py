"""Exchange rules: creation, visibility, transitions (compare-and-set + audit row) and lists.

Operations flush only; the request handler commits once or rolls back, so a transition, its
audit row and its notifications are written together or not at all.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload, selectinload

from matchmaker import access
from matchmaker.errors import Conflict, Forbidden, Invalid, NotFound
from matchmaker.exchanges import notifications
from matchmaker.exchanges.workflow import Party, WorkflowError, allowed_actions, plan
from matchmaker.extensions import db
from matchmaker.knowledge.vocabulary import FACILITATOR_ROLES, MODALITIES
from matchmaker.labels import label
from matchmaker.validation import Cleaner, record_id, refuse_unknown
from models import Exchange, ExchangeEvent, ExchangeProvider, Need, Organisation, User
from models.base import utcnow

CREATE_FIELDS = {
    "need_id",
    "provider_organisation_ids",
    "modality",
    "title",
    "objectives",
    "expected_results",
    "start_date",
    "end_date",
    "facilitator_organisation_id",
    "facilitator_role",
    "budget_amount",
    "budget_currency",
    "funding_source",
    "participants",
    "languages",
}
MAX_PROVIDERS = 10


def parties(actor: User | None, exchange: Exchange) -> set[Party]:
    """The roles this user plays in this exchange."""
    found: set[Party] = set()
    if actor is None or not actor.is_active:
        return found
    if actor.organisation_id == exchange.need.organisation_id:
        found.add(Party.REQUESTER)
    if actor.organisation_id in {p.organisation_id for p in exchange.providers}:
        found.add(Party.PROVIDER)
    if access.is_staff(actor):
        found.add(Party.COORDINATOR)
    return found


def can_view(actor: User | None, exchange: Exchange) -> bool:
    facilitator = (
        actor is not None
        and exchange.facilitator_id is not None
        and actor.organisation_id == exchange.facilitator_id
    )
    return bool(parties(actor, exchange)) or facilitator


def get_visible(actor: User | None, exchange_id: int) -> Exchange:
    exchange = db.session.get(Exchange, exchange_id)
    if exchange is None or not can_view(actor, exchange):
        raise NotFound(_("No such exchange."))
    return exchange


def _organisation(organisation_id: object, field: str, cleaner: Cleaner) -> Organisation | None:
    key = record_id(organisation_id)
    organisation = db.session.get(Organisation, key) if key else None
    if organisation is None or not organisation.is_verified:
        cleaner.fail(
            field, _("No verified organisation with id %(id)s.") % {"id": repr(organisation_id)}
        )
        return None
    return organisation


def _clean(data: dict[str, Any], need: Need) -> dict[str, Any]:
    refuse_unknown(data, CREATE_FIELDS)
    cleaner = Cleaner(data)
    ids = data.get("provider_organisation_ids")
    providers: list[Organisation] = []
    if not isinstance(ids, list) or not ids:
        cleaner.fail("provider_organisation_ids", "Give at least one providing organisation.")
    elif len(ids) > MAX_PROVIDERS or len(set(map(str, ids))) != len(ids):
        cleaner.fail(
            "provider_organisation_ids", f"Give at most {MAX_PROVIDERS} distinct organisations."
        )
    else:
        for provider_id in ids:
            organisation = _organisation(provider_id, "provider_organisation_ids", cleaner)
            if organisation is not None and organisation.id == need.organisation_id:
                cleaner.fail(
                    "provider_organisation_ids",
                    "The requesting organisation cannot be its own provider.",
                )
            elif organisation is not None:
                providers.append(organisation)
    values: dict[str, Any] = {
        "modality": cleaner.choice("modality", MODALITIES),
        "title": cleaner.text("title", max_length=200, required=False) or need.title[:200],
        "objectives": cleaner.text("objectives", max_length=5000, multiline=True),
        "expected_results": cleaner.text(
            "expected_results", max_length=5000, required=False, multiline=True
        ),
        "start_date": cleaner.date("start_date"),
        "end_date": cleaner.date("end_date"),
        "funding_source": cleaner.text("funding_source", max_length=200, required=False) or None,
        "participants": cleaner.integer("participants", minimum=0, maximum=10_000),
        "languages": cleaner.languages("languages"),
    }
    if values["start_date"] and values["end_date"] and values["start_date"] > values["end_date"]:
        cleaner.fail("end_date", "Must be on or after the start date.")
    facilitator_id = data.get("facilitator_organisation_id")
    values["facilitator"] = None
    values["facilitator_role"] = None
    if facilitator_id not in (None, ""):
        values["facilitator"] = _organisation(
            facilitator_id, "facilitator_organisation_id", cleaner
        )
        values["facilitator_role"] = cleaner.choice("facilitator_role", FACILITATOR_ROLES)
    values.update(_budget(data, cleaner))
    cleaner.done()
    values["providers"] = providers
    return values


def _budget(data: dict[str, Any], cleaner: Cleaner) -> dict[str, Any]:
    raw = data.get("budget_amount")
    if raw in (None, ""):
        return {"budget_amount": None, "budget_currency": None}
    try:
        amount = Decimal(str(raw))
    except InvalidOperation:
        cleaner.fail("budget_amount", "Must be a number, e.g. 12500.00.")
        return {}
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        cleaner.fail("budget_amount", "Must be a positive amount below one trillion.")
        return {}
    currency = str(data.get("budget_currency") or "").upper()
    if len(currency) != 3 or not currency.isalpha():
        cleaner.fail("budget_currency", "Give the ISO 4217 currency code, e.g. USD.")
    return {"budget_amount": amount.quantize(Decimal("0.01")), "budget_currency": currency}


def require_may_propose(actor: User | None, need: Need) -> None:
    """Country ownership: the need's own organisation proposes exchanges for it, or a
    coordinator brokers one."""
    if not (access.is_member_of(actor, need.organisation) or access.is_staff(actor)):
        raise Forbidden(_("Only the need's organisation or a coordinator can propose an exchange."))


def create(actor: User, data: dict[str, Any]) -> Exchange:
    """A draft exchange for a published need, by its organisation or a coordinator."""
    need_id = record_id(data.get("need_id"))
    need = (
        db.session.get(Need, need_id, options=[joinedload(Need.organisation)]) if need_id else None
    )
    if need is None or not access.can_view_entry(actor, need):
        raise Invalid(
            _("Give the id of a need you can see."), fields={"need_id": _("Unknown need.")}
        )
    require_may_propose(actor, need)
    if not access.is_public(need):
        raise Conflict(
            _("Only a published need of a verified organisation can lead to an exchange.")
        )
    values = _clean(data, need)
    providers = values.pop("providers")
    exchange = Exchange(
        need=need,
        state="draft",
        version=1,
        created_by_id=actor.id,
        text_language=need.text_language,
        **values,
    )
    exchange.providers = [ExchangeProvider(organisation=p) for p in providers]
    exchange.events = []  # known empty: its history is then read without a query
    db.session.add(exchange)
    db.session.flush()
    _record(exchange, actor, "create", None, "draft", "")
    return exchange


def transition(
    actor: User,
    exchange_id: int,
    action: str,
    version: object,
    comment: str = "",
    *,
    dates: dict[str, Any] | None = None,
    internal: bool = False,
) -> Exchange:
    """Apply one action: role check, state check, compare-and-set on the version, audit row.

    `internal` lets the service itself take actions callers may not send (evaluate).
    """
    exchange = get_visible(actor, exchange_id)
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid(
            _("Send the version you saw, as a whole number."), fields={"version": _("Required.")}
        )
    comment = " ".join((comment or "").split())[:2000]
    roles = parties(actor, exchange)
    consent = _own_consent(actor, exchange) if action in ("accept", "decline") else None
    if consent is not None and consent.consent != "pending":
        raise Conflict(
            _("Your organisation has already answered (%(answer)s).")
            % {"answer": label(consent.consent)}
        )
    all_accepted = all(p.consent == "accepted" or p is consent for p in exchange.providers)
    try:
        step = plan(
            action,
            exchange.state,
            roles,
            comment,
            all_accepted_after=all_accepted,
            internal=internal,
        )
    except WorkflowError as error:
        raise (
            Forbidden
            if error.kind == "role"
            else Invalid
            if error.kind in ("reason", "unknown")
            else Conflict
        )(error.message, extra={"allowed_actions": error.allowed}) from error
    if version != exchange.version:
        raise Conflict(
            _(
                "The exchange changed meanwhile (now version %(version)s, %(state)s); reload it "
                "and try again."
            )
            % {"version": exchange.version, "state": label(exchange.state)}
        )
    changes: dict[str, Any] = {}
    if action == "schedule":
        changes = _schedule_dates(exchange, dates or {})
    _compare_and_set(exchange, version, step.target, changes)
    if consent is not None:
        consent.consent = "accepted" if action == "accept" else "declined"
        consent.consent_reason = comment or None
        consent.responded_at = utcnow()
    before = exchange.state
    db.session.flush()
    db.session.refresh(exchange)
    _record(exchange, actor, action, before, exchange.state, comment)
    return exchange


def _own_consent(actor: User, exchange: Exchange) -> ExchangeProvider | None:
    return next((p for p in exchange.providers if p.organisation_id == actor.organisation_id), None)


def _schedule_dates(exchange: Exchange, dates: dict[str, Any]) -> dict[str, date]:
    cleaner = Cleaner(dates)
    start = cleaner.date("start_date") or exchange.start_date
    end = cleaner.date("end_date") or exchange.end_date
    if start is None or end is None:
        cleaner.fail("start_date", "Fix the start and end dates to schedule the exchange.")
    elif start > end:
        cleaner.fail("end_date", "Must be on or after the start date.")
    cleaner.done()
    return {"start_date": start, "end_date": end}  # type: ignore[dict-item]


def _compare_and_set(
    exchange: Exchange, version: int, target: str, changes: dict[str, Any]
) -> None:
    """Only one of several concurrent requests can move version N to N+1."""
    result = db.session.execute(
        update(Exchange)
        .where(Exchange.id == exchange.id, Exchange.version == version)
        .values(state=target, version=version + 1, updated_at=utcnow(), **changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(_("The exchange changed meanwhile; reload it and try again."))


def _record(
    exchange: Exchange, actor: User, action: str, before: str | None, after: str, comment: str
) -> None:
    """Append the audit row and notify the parties, in the caller's transaction."""
    event = ExchangeEvent(
        action=action,
        from_state=before,
        to_state=after,
        actor_id=actor.id,
        actor_name=actor.display_name,
        actor_role=actor.role,
        organisation_id=actor.organisation_id,
        comment=comment,
    )
    exchange.events.append(event)
    db.session.flush()
    notifications.exchange_changed(exchange, actor, event)


def history(exchange: Exchange) -> list[ExchangeEvent]:
    """Its events, oldest first (as the relationship orders them)."""
    return list(exchange.events)


def actions_for(actor: User | None, exchange: Exchange) -> list[str]:
    """The actions the page offers this user now (a provider that answered sees none)."""
    roles = parties(actor, exchange)
    actions = allowed_actions(exchange.state, roles)
    if actor is not None and Party.PROVIDER in roles:
        consent = _own_consent(actor, exchange)
        if consent is not None and consent.consent != "pending":
            actions = [a for a in actions if a not in ("accept", "decline")]
    return actions


def for_user(actor: User) -> list[Exchange]:
    """Exchanges the user's organisation takes part in (all of them for coordinators)."""
    query = (
        select(Exchange).options(selectinload(Exchange.need)).order_by(Exchange.updated_at.desc())
    )
    if not access.is_staff(actor):
        provider_of = select(ExchangeProvider.exchange_id).where(
            ExchangeProvider.organisation_id == actor.organisation_id
        )
        query = query.join(Need).where(
            (Need.organisation_id == actor.organisation_id)
            | Exchange.id.in_(provider_of)
            | (Exchange.facilitator_id == actor.organisation_id)
        )
    return list(db.session.scalars(query.limit(200)))
