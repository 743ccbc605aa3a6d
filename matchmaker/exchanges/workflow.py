"""The one state table of an exchange: which party may take which action from which state.

Parties are relative to one exchange: the requester (members of the need's organisation), a
provider (members of a providing organisation), the coordinator (coordinators and admins).
Pages, API and CLI all go through `plan()`, so the rules live here only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


class Party(StrEnum):
    REQUESTER = "requester"
    PROVIDER = "provider"
    COORDINATOR = "coordinator"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    parties: frozenset[Party]
    needs_reason: bool = False
    label: str = ""  # a lazy translation: read in the viewer's language


def _t(
    action: str, sources: str, target: str, parties: str, *, reason: bool = False, label: str = ""
) -> Transition:
    return Transition(
        action,
        frozenset(sources.split()),
        target,
        frozenset(Party(p) for p in parties.split()),
        reason,
        label or action.replace("_", " ").capitalize(),
    )


BEFORE_APPROVAL = "draft proposed accepted under_review"
OPEN_STATES = (
    "draft proposed accepted under_review approved scheduled in_progress completed evaluated"
)
TERMINAL_STATES = frozenset({"closed", "declined", "withdrawn", "rejected", "cancelled"})

TRANSITIONS: tuple[Transition, ...] = (
    _t(
        "propose",
        "draft",
        "proposed",
        "requester coordinator",
        label=_l("Propose to the providers"),
    ),
    # accept moves to "accepted" only once every provider has accepted: see plan()
    _t("accept", "proposed", "accepted", "provider", label=_l("Accept")),
    _t("decline", "proposed", "declined", "provider", reason=True, label=_l("Decline")),
    _t("review", "accepted", "under_review", "coordinator", label=_l("Start review")),
    _t("approve", "under_review", "approved", "coordinator", label=_l("Approve")),
    _t(
        "request_changes",
        "under_review",
        "draft",
        "coordinator",
        reason=True,
        label=_l("Request changes"),
    ),
    _t("reject", "under_review", "rejected", "coordinator", reason=True, label=_l("Reject")),
    _t("schedule", "approved", "scheduled", "coordinator requester", label=_l("Schedule")),
    _t("start", "scheduled", "in_progress", "coordinator requester provider", label=_l("Start")),
    _t("complete", "in_progress", "completed", "coordinator requester", label=_l("Mark completed")),
    # completed -> evaluated happens when both sides' evaluations are in (action "evaluate")
    _t("evaluate", "completed", "evaluated", "requester provider", label=_l("Evaluate")),
    _t("close", "evaluated", "closed", "coordinator", label=_l("Close")),
    _t("withdraw", BEFORE_APPROVAL, "withdrawn", "requester", label=_l("Withdraw")),
    _t("cancel", OPEN_STATES, "cancelled", "coordinator", reason=True, label=_l("Cancel")),
)
BY_ACTION = {t.action: t for t in TRANSITIONS}
ACTIONS = tuple(t.action for t in TRANSITIONS if t.action != "evaluate")  # what callers may send


class WorkflowError(Exception):
    """A refused transition; `kind` tells the caller how to answer."""

    def __init__(self, kind: str, message: str, allowed: list[str]) -> None:
        super().__init__(message)
        self.kind = kind  # "unknown" | "role" | "state" | "reason"
        self.message = message
        self.allowed = allowed


def allowed_actions(state: str, parties: set[Party]) -> list[str]:
    """Actions these parties may take from this state, in table order."""
    return [
        t.action
        for t in TRANSITIONS
        if state in t.sources and t.parties & parties and t.action in ACTIONS
    ]


def _either(codes: list[str]) -> str:
    """Codes as the reader's words, in their language's "a, b or c"."""
    from matchmaker.labels import label  # labels reads this module's table

    return format_list([label(code) for code in codes], style="or", locale=get_locale() or "en")


def _actions(actions: list[str]) -> str:
    """Actions as their button texts, in the reader's "a, b and c"."""
    names = [f"“{BY_ACTION[a].label}”" for a in actions]
    return format_list(names, locale=get_locale() or "en")


def plan(
    action: str,
    state: str,
    parties: set[Party],
    reason: str,
    *,
    all_accepted_after: bool = True,
    internal: bool = False,
) -> Transition:
    """The transition to apply, or a WorkflowError saying why not (role before state)."""
    transition = BY_ACTION.get(action)
    if transition is None or (action not in ACTIONS and not internal):
        raise WorkflowError(
            "unknown",
            _(
                "Unknown action %(action)s; the actions are: %(actions)s.",
                action=repr(action),
                actions=", ".join(ACTIONS),
            ),
            allowed_actions(state, parties),
        )
    if not transition.parties & parties:
        who = _either([p.value for p in sorted(transition.parties)])
        raise WorkflowError(
            "role",
            _("The action “%(action)s” is for: %(parties)s.", action=transition.label, parties=who),
            allowed_actions(state, parties),
        )
    if state not in transition.sources:
        allowed = allowed_actions(state, parties)
        raise WorkflowError(
            "state",
            _(
                "The action “%(action)s” is not possible on an exchange that is %(state)s. "
                "Allowed now: %(allowed)s.",
                action=transition.label,
                state=_either([state]),
                allowed=_actions(allowed),
            )
            if allowed
            else _(
                "The action “%(action)s” is not possible on an exchange that is %(state)s, "
                "and no other action is open to you now.",
                action=transition.label,
                state=_either([state]),
            ),
            allowed,
        )
    if transition.needs_reason and not reason.strip():
        raise WorkflowError(
            "reason",
            _("Give a reason for the action “%(action)s”.", action=transition.label),
            allowed_actions(state, parties),
        )
    if action == "accept" and not all_accepted_after:
        return Transition(
            "accept", transition.sources, state, transition.parties, label=transition.label
        )
    return transition
