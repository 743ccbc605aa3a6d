"""A solve's life: started once (compare-and-set), watched by its progress and heartbeat,
cancelled, or found abandoned when its process died. Operations flush only; the caller commits.

The work itself runs in ``matchmaker.rounds.runner``; while it runs the round is `solving` and
refuses every other change, and the round's previous status is kept on the solve, so that a
cancelled, failed or abandoned solve leaves the round as it was.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import update

from matchmaker import access
from matchmaker.errors import Conflict, Invalid
from matchmaker.extensions import db
from models import Round, RoundSolve, User
from models.base import as_utc, utcnow

ABANDONED_AFTER = timedelta(minutes=2)  # a live worker beats after every need (~50 ms)


def latest(round_: Round) -> RoundSolve | None:
    return round_.solves[0] if round_.solves else None


def is_abandoned(solve: RoundSolve | None) -> bool:
    """A running solve whose worker stopped beating: its process died or hangs."""
    return bool(
        solve
        and solve.state == "running"
        and utcnow() - as_utc(solve.heartbeat_at) > ABANDONED_AFTER
    )


def claim(round_: Round, version: object) -> None:
    """Take the version the coordinator saw, or refuse a stale page (compare-and-set)."""
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid(
            _("Send the version you saw, as a whole number."), fields={"version": _("Required.")}
        )
    claimed = db.session.execute(
        update(Round)
        .where(Round.id == round_.id, Round.version == version)
        .values(version=version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict(_("The round changed meanwhile; reload the page and try again."))
    db.session.refresh(round_)


def refuse_while_solving(round_: Round) -> None:
    if round_.status == "solving":
        raise Conflict(
            _("The round is being solved: wait for the solve to finish, or cancel it first.")
        )


def start(actor: User | None, round_: Round, version: object) -> RoundSolve:
    """Set the round `solving` for one solve; a second click, or a live solve, is refused.
    A solve found abandoned is replaced by the new one."""
    if round_.status == "published":
        raise Conflict(_("This round is published: its exchanges exist; create a new round."))
    if not round_.needs:
        raise Conflict(_("The round has no needs: widen its filters, then solve it."))
    current = latest(round_)
    if round_.status == "solving" and not is_abandoned(current):
        raise Conflict(_("This round is already being solved: watch its progress below."))
    previous = current.previous_status if round_.status == "solving" and current else round_.status
    claim(round_, version)
    if current is not None and current.state == "running":
        current.state, current.finished_at = "abandoned", utcnow()
    round_.status = "solving"
    solve = RoundSolve(
        round_version=round_.version,
        previous_status=previous,
        state="running",
        started_by_id=actor.id if actor else None,
        started_at=utcnow(),
        heartbeat_at=utcnow(),
        done=0,
        total=len(round_.needs),
        cancel_requested=False,
    )
    round_.solves.insert(0, solve)
    db.session.flush()
    return solve


def cancel(actor: User | None, round_: Round) -> RoundSolve:
    """Ask the worker to stop after the need it ranks; an abandoned solve stops at once."""
    actor = access.require_staff(actor)
    solve = latest(round_)
    if round_.status != "solving" or solve is None or solve.state != "running":
        raise Conflict(_("No solve is running on this round: it had already finished."))
    if is_abandoned(solve):
        claim(round_, round_.version)
        round_.status = solve.previous_status
        solve.state, solve.finished_at = "cancelled", utcnow()
    solve.cancel_requested, solve.cancelled_by_id = True, actor.id
    db.session.flush()
    return solve


def progress(round_: Round) -> dict[str, Any]:
    """What the round page and /rounds/<id>/progress show of the latest solve."""
    solve = latest(round_)
    return {
        "round_id": round_.id,
        "status": round_.status,
        "version": round_.version,
        "solve": None if solve is None else _solve_figures(solve),
    }


def _solve_figures(solve: RoundSolve) -> dict[str, Any]:
    ranking = solve.done < solve.total
    return {
        "id": solve.id,
        "state": solve.state,
        "stage": "ranking" if ranking else "solving",
        "done": solve.done,
        "total": solve.total,
        "percent": round(100 * solve.done / solve.total) if solve.total else 100,
        "text": (
            ngettext(
                "Ranked %(done)s of %(num)s need",
                "Ranked %(done)s of %(num)s needs",
                solve.total,
                done=solve.done,
            )
            if ranking
            else ngettext(
                "Ranked %(done)s of %(num)s need; choosing the pairs",
                "Ranked %(done)s of %(num)s needs; choosing the pairs",
                solve.total,
                done=solve.done,
            )
        ),
        "started_at": _iso(solve.started_at),
        "started_by": _name(solve.started_by, _("the command line")),
        "heartbeat_at": _iso(solve.heartbeat_at),
        "finished_at": _iso(solve.finished_at) if solve.finished_at else None,
        "abandoned": is_abandoned(solve) or solve.state == "abandoned",
        "cancel_requested": solve.cancel_requested,
        "message": _message(solve),
    }


def _iso(moment: datetime) -> str:
    return as_utc(moment).isoformat(timespec="seconds")


def _name(user: User | None, default: str) -> str:
    return user.display_name if user else default


def _message(solve: RoundSolve) -> str | None:
    """The outcome a coordinator reads; names come from the accounts, never stored as text."""
    if solve.state == "cancelled":
        return _(
            "Solve cancelled by %(name)s.", name=_name(solve.cancelled_by, _("the command line"))
        )
    if solve.state == "failed":
        return _("The solve failed, the round is as it was before: %(reason)s", reason=solve.error)
    if solve.state == "abandoned" or is_abandoned(solve):
        return _(
            "The solve stopped answering (its process ended or hangs) and was abandoned: "
            "the round is as it was before; solve it again."
        )
    if solve.state == "running" and solve.cancel_requested:
        return _(
            "Cancelling (asked by %(name)s)…", name=_name(solve.cancelled_by, _("a coordinator"))
        )
    return None
