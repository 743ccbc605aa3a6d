"""Each side's evaluation of a completed exchange; when every side is in, the exchange moves
to "evaluated" (focus on results, mutual accountability)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from matchmaker.errors import Conflict, Forbidden
from matchmaker.exchanges import services
from matchmaker.exchanges.workflow import Party
from matchmaker.extensions import db
from matchmaker.labels import label
from matchmaker.validation import Cleaner, refuse_unknown
from models import Evaluation, Exchange, User

PRINCIPLES = (
    "country_ownership",
    "focus_on_results",
    "inclusive_partnership",
    "transparency_accountability",
)
FIELDS = {"usefulness", "results_achieved", "will_apply", "principles"}


def submit(actor: User, exchange_id: int, data: dict[str, Any]) -> Evaluation:
    exchange = services.get_visible(actor, exchange_id)
    roles = services.parties(actor, exchange)
    side = (
        "requester" if Party.REQUESTER in roles else "provider" if Party.PROVIDER in roles else None
    )
    if side is None:
        raise Forbidden(_("Only the requesting and providing organisations evaluate an exchange."))
    if exchange.state != "completed":
        raise Conflict(
            _("An exchange is evaluated once completed; this one is %(state)s.")
            % {"state": label(exchange.state)}
        )
    refuse_unknown(data, FIELDS)
    cleaner = Cleaner(data)
    usefulness = cleaner.integer("usefulness", minimum=1, maximum=5)
    if usefulness is None:
        cleaner.fail("usefulness", "Rate the usefulness from 1 to 5.")
    results = cleaner.text("results_achieved", max_length=5000, multiline=True)
    will_apply = cleaner.text("will_apply", max_length=5000, multiline=True)
    principles = _principles(data.get("principles"), cleaner)
    cleaner.done()
    if (
        db.session.scalar(
            select(Evaluation.id).where(
                Evaluation.exchange_id == exchange.id,
                Evaluation.organisation_id == actor.organisation_id,
            )
        )
        is not None
    ):
        raise Conflict(_("Your organisation has already evaluated this exchange."))
    evaluation = Evaluation(
        exchange_id=exchange.id,
        organisation_id=actor.organisation_id,
        author_id=actor.id,
        side=side,
        usefulness=usefulness,
        results_achieved=results,
        will_apply=will_apply,
        principles=principles,
    )
    db.session.add(evaluation)
    db.session.flush()
    if _all_sides_in(exchange):
        services.transition(
            actor,
            exchange.id,
            "evaluate",
            exchange.version,
            "Both sides' evaluations are in.",
            internal=True,
        )
    return evaluation


def _principles(raw: object, cleaner: Cleaner) -> dict[str, int]:
    if not isinstance(raw, dict) or set(raw) != set(PRINCIPLES):
        cleaner.fail("principles", f"Rate each principle from 1 to 5: {', '.join(PRINCIPLES)}.")
        return {}
    inner = Cleaner(raw)
    values = {name: inner.integer(name, minimum=1, maximum=5) for name in PRINCIPLES}
    if inner.errors or None in values.values():
        cleaner.fail("principles", "Each principle takes a whole number from 1 to 5.")
        return {}
    return values  # type: ignore[return-value]


def _all_sides_in(exchange: Exchange) -> bool:
    done = set(
        db.session.scalars(
            select(Evaluation.organisation_id).where(Evaluation.exchange_id == exchange.id)
        )
    )
    needed = {exchange.need.organisation_id} | {p.organisation_id for p in exchange.providers}
    return needed <= done


def for_exchange(exchange: Exchange) -> list[Evaluation]:
    return list(
        db.session.scalars(
            select(Evaluation).where(Evaluation.exchange_id == exchange.id).order_by(Evaluation.id)
        )
    )
