"""Round rules: settings and needs from filters, pair rules, capacities, edits and publishing.

Only coordinators and admins work rounds. Operations flush only; the caller commits once.
Every change a coordinator submits carries the version they saw (compare-and-set), and any
change to settings, rules or capacities sends a solved round back to draft: the slate must be
solved again under the new rules before it can be published.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matchmaker import access
from matchmaker.errors import Conflict, DomainError, Invalid, NotFound
from matchmaker.exchanges import services as exchanges
from matchmaker.exchanges.workflow import TERMINAL_STATES
from matchmaker.extensions import db
from matchmaker.knowledge.vocabulary import MODALITIES
from matchmaker.profiles.choices import ILO_REGION_LABELS
from matchmaker.rounds import solves
from matchmaker.rounds.problem import build_problem
from matchmaker.rounds.solving import rank_need, slate_figures
from matchmaker.validation import Cleaner, refuse_unknown
from models import (
    Country,
    Exchange,
    Need,
    Organisation,
    Round,
    RoundCapacity,
    RoundNeed,
    RoundPairRule,
    RoundPartner,
    Theme,
    User,
)
from models.base import utcnow
from models.round import MAX_CANDIDATES, MAX_PARTNERS, PAIR_RULES

SETTINGS = (
    "name",
    "region",
    "country",
    "theme",
    "min_partners",
    "max_partners",
    "candidates",
    "country_cap",
    "prefer_same_region",
)
DEFAULT_MODALITY = "virtual_exchange"  # when a need names none: the cheapest to arrange
MAX_CAPACITY = 100


def list_rounds(actor: User | None) -> list[Round]:
    access.require_staff(actor)
    return list(db.session.scalars(select(Round).order_by(Round.id.desc()).limit(200)))


def get_round(actor: User | None, round_id: int) -> Round:
    """A round, for coordinators and admins only."""
    access.require_staff(actor)
    return load_round(round_id)


def load_round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise NotFound(_("No matching round with id %(id)s.", id=round_id))
    return round_


def open_needs(filters: dict[str, str]) -> list[Need]:
    """Published needs of verified organisations with no exchange under way, filtered."""
    busy = select(Exchange.need_id).where(Exchange.state.not_in(TERMINAL_STATES))
    query = (
        select(Need)
        .join(Organisation)
        .join(Country)
        .where(
            Need.status == "published",
            Organisation.verification_status == "verified",
            Need.id.not_in(busy),
        )
        .options(selectinload(Need.organisation))
        .order_by(Need.id)
    )
    if filters.get("region"):
        query = query.where(Country.ilo_region == filters["region"])
    if filters.get("country"):
        query = query.where(Organisation.country_code == filters["country"])
    if filters.get("theme"):
        query = query.where(Need.themes.any(Theme.code == filters["theme"]))
    return list(db.session.scalars(query))


def _clean_settings(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    refuse_unknown(data, SETTINGS)
    cleaner = Cleaner(data)
    country = str(data.get("country") or "").strip().upper()
    if country and db.session.get(Country, country) is None:
        cleaner.fail("country", _("Unknown country: choose one from the list."))
    theme = str(data.get("theme") or "")
    if theme and db.session.get(Theme, theme) is None:
        cleaner.fail("theme", _("Unknown theme: choose one from the list."))
    filters = {
        "region": cleaner.choice("region", ILO_REGION_LABELS, required=False) or "",
        "country": country,
        "theme": theme,
    }
    values: dict[str, Any] = {
        "name": cleaner.text("name", max_length=200),
        "min_partners": cleaner.integer("min_partners", minimum=1, maximum=MAX_PARTNERS, default=1),
        "max_partners": cleaner.integer("max_partners", minimum=1, maximum=MAX_PARTNERS, default=3),
        "candidates": cleaner.integer("candidates", minimum=1, maximum=MAX_CANDIDATES, default=50),
        "country_cap": cleaner.integer("country_cap", minimum=1, maximum=10_000),
        "prefer_same_region": bool(data.get("prefer_same_region")),
    }
    if (values["min_partners"] or 1) > (values["max_partners"] or 3):
        cleaner.fail("max_partners", _("Must be at least the minimum number of partners."))
    cleaner.done()
    return values, {key: value for key, value in filters.items() if value}


def create_round(actor: User | None, data: dict[str, Any]) -> Round:
    """A draft round over the open needs its filters select."""
    actor = access.require_staff(actor)
    values, filters = _clean_settings(data)
    needs = _selected(filters)
    round_ = Round(created_by_id=actor.id, filters=filters, version=1, statistics={}, **values)
    round_.needs = [RoundNeed(need=need, candidates=[]) for need in needs]
    db.session.add(round_)
    db.session.flush()
    return round_


def _selected(filters: dict[str, str]) -> list[Need]:
    needs = open_needs(filters)
    if not needs:
        raise Invalid(
            _("No open published need matches these filters: widen them."),
            fields={name: _("No open need matches.") for name in (filters or ["region"])},
        )
    return needs


def edit_round(round_: Round, version: object, data: dict[str, Any]) -> Round:
    """New settings and filters; needs that leave the round take their rules and pairs along."""
    _editable(round_, version)
    values, filters = _clean_settings(data)
    needs = {need.id: need for need in _selected(filters)}
    kept = {entry.need_id: entry for entry in round_.needs if entry.need_id in needs}
    round_.needs = [kept.get(i) or RoundNeed(need=need, candidates=[]) for i, need in needs.items()]
    round_.rules = [rule for rule in round_.rules if rule.need_id in needs]
    round_.slate = [pair for pair in round_.slate if pair.need_id in needs]
    for name, value in values.items():
        setattr(round_, name, value)
    round_.filters = filters
    return _changed(round_)


def _editable(round_: Round, version: object) -> None:
    """Refuse changes to a published round or one being solved, or made from a stale page."""
    if round_.status == "published":
        raise Conflict(_("This round is published: its exchanges exist; create a new round."))
    solves.refuse_while_solving(round_)
    solves.claim(round_, version)


def _changed(round_: Round) -> Round:
    """The slate no longer answers the rules: solve again before publishing."""
    round_.status = "draft"
    db.session.flush()
    return round_


def _need_in(round_: Round, need_id: object) -> RoundNeed:
    entry = next((e for e in round_.needs if str(e.need_id) == str(need_id).strip()), None)
    if entry is None:
        raise Invalid(
            _("Choose a need of this round."), fields={"need_id": _("Not in this round.")}
        )
    return entry


def _organisation(organisation_id: object) -> Organisation:
    try:
        organisation = db.session.get(Organisation, int(str(organisation_id)))
    except ValueError:
        organisation = None
    if organisation is None or not organisation.is_verified:
        raise Invalid(
            _("No verified organisation with id %(id)s.", id=repr(organisation_id)),
            fields={"organisation_id": _("Give the id of a verified organisation.")},
        )
    return organisation


def add_rule(round_: Round, version: object, data: dict[str, Any]) -> RoundPairRule:
    """A conflict, must-pair or never-pair; a new rule for a pair replaces its old one."""
    _editable(round_, version)
    kind = Cleaner(data).choice("kind", PAIR_RULES)
    if kind is None:
        raise Invalid(
            _("Choose the kind of rule."),
            fields={"kind": _("One of %(kinds)s.", kinds=", ".join(PAIR_RULES))},
        )
    entry = _need_in(round_, data.get("need_id"))
    organisation = _organisation(data.get("organisation_id"))
    if organisation.id == entry.need.organisation_id:
        raise Invalid(
            _("An organisation never provides for its own need."),
            fields={"organisation_id": _("This is the requester.")},
        )
    rule = next(
        (
            r
            for r in round_.rules
            if r.need_id == entry.need_id and r.organisation_id == organisation.id
        ),
        None,
    ) or RoundPairRule(need_id=entry.need_id, organisation_id=organisation.id)
    rule.kind = kind
    if rule not in round_.rules:
        round_.rules.append(rule)
    _changed(round_)
    return rule


def remove_rule(round_: Round, version: object, rule_id: int) -> None:
    _editable(round_, version)
    rule = next((r for r in round_.rules if r.id == rule_id), None)
    if rule is None:
        raise NotFound(_("No such rule in this round."))
    round_.rules.remove(rule)
    _changed(round_)


def set_capacity(round_: Round, version: object, data: dict[str, Any]) -> None:
    """A provider's capacity in the round; an empty value restores the default from its offers."""
    _editable(round_, version)
    organisation = _organisation(data.get("organisation_id"))
    cleaner = Cleaner(data)
    capacity = cleaner.integer("capacity", minimum=0, maximum=MAX_CAPACITY)
    cleaner.done()
    current = next((c for c in round_.capacities if c.organisation_id == organisation.id), None)
    if capacity is None:
        if current is not None:
            round_.capacities.remove(current)
    elif current is None:
        round_.capacities.append(RoundCapacity(organisation_id=organisation.id, capacity=capacity))
    else:
        current.capacity = capacity
    _changed(round_)


def set_locked(round_: Round, version: object, partner_id: int, locked: bool) -> RoundPartner:
    """Lock a pair so that solving again keeps it (as a must-pair), or release it."""
    _editable(round_, version)
    pair = _partner(round_, partner_id)
    pair.locked = locked
    db.session.flush()
    return pair


def _partner(round_: Round, partner_id: int) -> RoundPartner:
    pair = next((p for p in round_.slate if p.id == partner_id), None)
    if pair is None:
        raise NotFound(_("No such pair in this round's slate."))
    return pair


def swap(round_: Round, version: object, partner_id: int, organisation_id: object) -> RoundPartner:
    """Replace one partner by another of the need's ranked candidates, locked, if the rules hold."""
    _editable(round_, version)
    if round_.status != "solved":
        raise Conflict(_("Solve the round again first: its rules changed since the last solve."))
    pair = _partner(round_, partner_id)
    entry = _need_in(round_, pair.need_id)
    chosen = next((c for c in entry.candidates if str(c[0]) == str(organisation_id).strip()), None)
    if chosen is None:
        raise Invalid(
            _("Choose one of the need's ranked candidates."),
            fields={"organisation_id": _("Not a candidate of this need.")},
        )
    if any(p.need_id == pair.need_id and p.organisation_id == chosen[0] for p in round_.slate):
        raise Invalid(
            _("This organisation is already a partner of the need."),
            fields={"organisation_id": _("Already a partner.")},
        )
    pair.organisation_id, pair.offer_id, pair.score = int(chosen[0]), int(chosen[1]), chosen[2]
    _rows, details = rank_need(entry, round_.candidates)
    pair.explanation = details.get((pair.need_id, pair.organisation_id), (None, {}))[1]
    pair.locked = True
    db.session.flush()
    db.session.expire(round_, ["slate"])
    index = build_problem(round_)
    figures = slate_figures(round_, index)
    if figures["slate_violations"]:
        broken = "; ".join(v.split(", e.g.")[0] for v in figures["slate_violations"])
        raise Conflict(
            _(
                "This swap would break the round's rules: %(rules)s. Choose another partner.",
                rules=broken,
            )
        )
    round_.statistics = {**round_.statistics, **figures, "edited_after_solve": True}
    db.session.flush()
    return pair


def publish(actor: User | None, round_: Round, version: object) -> list[Exchange]:
    """One proposed exchange per served need, all in the caller's transaction; publishing a
    published round creates nothing."""
    actor = access.require_staff(actor)
    if round_.status == "published":
        return []
    if round_.status != "solved":
        raise Conflict(_("Solve the round (again) before publishing it."))
    _editable(round_, version)
    round_.status, round_.published_at = "published", utcnow()
    partners: dict[int, list[RoundPartner]] = {}
    for pair in round_.slate:
        partners.setdefault(pair.need_id, []).append(pair)
    created = []
    for entry in round_.needs:
        pairs = partners.get(entry.need_id, [])
        if entry.exchange_id is not None or len(pairs) < round_.min_partners:
            continue
        created.append(_propose(actor, round_, entry, pairs))
    db.session.flush()
    return created


def _propose(actor: User, round_: Round, entry: RoundNeed, pairs: list[RoundPartner]) -> Exchange:
    need = entry.need
    modality = next((m for m in need.modalities if m in MODALITIES), DEFAULT_MODALITY)
    try:
        exchange = exchanges.create(
            actor,
            {
                "need_id": need.id,
                "provider_organisation_ids": [p.organisation_id for p in pairs],
                "modality": modality,
                "title": need.title,
                "objectives": need.description or need.title,
                "languages": need.languages,
            },
        )
        offers = {p.organisation_id: p.offer_id for p in pairs}
        for provider in exchange.providers:
            provider.offer_id = offers.get(provider.organisation_id)
        exchange = exchanges.transition(
            actor, exchange.id, "propose", exchange.version, f"Proposed by the round {round_.name}."
        )
    except DomainError as error:
        raise Conflict(
            _(
                "The need “%(title)s” cannot be proposed: %(reason)s "
                "Solve the round again, then publish.",
                title=need.title,
                reason=error.message,
            )
        ) from error
    entry.exchange = exchange
    return exchange


def slate_by_need(round_: Round) -> dict[int, list[RoundPartner]]:
    grouped: dict[int, list[RoundPartner]] = {e.need_id: [] for e in round_.needs}
    for pair in round_.slate:
        grouped.setdefault(pair.need_id, []).append(pair)
    return grouped
