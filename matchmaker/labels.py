"""What people read for the stored codes (states, types, modalities...), in their language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from matchmaker.exchanges.workflow import BY_ACTION

# One flat table: a code means the same wherever it appears (an exchange and a consent are both
# "accepted"; a need and an exchange are both "draft").
LABELS = {
    # exchange states and consents
    "draft": _l("draft"),
    "proposed": _l("proposed"),
    "accepted": _l("accepted"),
    "under_review": _l("under review"),
    "approved": _l("approved"),
    "scheduled": _l("scheduled"),
    "in_progress": _l("in progress"),
    "completed": _l("completed"),
    "evaluated": _l("evaluated"),
    "closed": _l("closed"),
    "declined": _l("declined"),
    "withdrawn": _l("withdrawn"),
    "rejected": _l("rejected"),
    "cancelled": _l("cancelled"),
    "pending": _l("pending"),
    # needs and offers, and what a CSV import holds
    "published": _l("published"),
    "organisations": _l("organisations"),
    "needs": _l("needs"),
    "offers": _l("offers"),
    # organisations and accounts
    "unverified": _l("unverified"),
    "verified": _l("verified"),
    "government": _l("government"),
    "employers": _l("employers"),
    "workers": _l("workers"),
    "other": _l("other"),
    "ministry": _l("ministry"),
    "public_employment_service": _l("public employment service"),
    "social_security_institution": _l("social security institution"),
    "labour_inspectorate": _l("labour inspectorate"),
    "training_institute": _l("training institute"),
    "local_government": _l("local government"),
    "employers_organisation": _l("employers' organisation"),
    "workers_organisation": _l("workers' organisation"),
    "regional_body": _l("regional body"),
    "un_agency": _l("UN agency"),
    "development_partner": _l("development partner"),
    "research_institute": _l("research institute"),
    "civil_society": _l("civil society"),
    "member": _l("member"),
    "coordinator": _l("coordinator"),
    "admin": _l("administrator"),
    # exchanges
    "study_visit": _l("study visit"),
    "peer_review": _l("peer review"),
    "workshop": _l("workshop"),
    "expert_mission": _l("expert mission"),
    "twinning": _l("twinning"),
    "training_course": _l("training course"),
    "virtual_exchange": _l("virtual exchange"),
    "funding": _l("funding"),
    "technical_support": _l("technical support"),
    "logistics": _l("logistics"),
    "requester": _l("requester"),
    "providers": _l("providers"),
    "scheduling": _l("scheduling"),
    "evaluations": _l("evaluations"),
    "provider": _l("provider"),
    "country_ownership": _l("country ownership"),
    "focus_on_results": _l("focus on results"),
    "inclusive_partnership": _l("inclusive partnership"),
    "transparency_accountability": _l("transparency and mutual accountability"),
    # matching rounds and their solves
    "solving": _l("solving"),
    "solved": _l("solved"),
    "running": _l("running"),
    "failed": _l("failed"),
    "abandoned": _l("abandoned"),
}


def label(code: str | None) -> str:
    """The reader's word for a stored code; an unknown code shows as itself, spaced."""
    if not code:
        return "—"
    return str(LABELS.get(code, code.replace("_", " ")))


def choice_label(code: str) -> LazyString:
    """A code's label, capitalised, for the choices of forms built before any request."""
    return LazyString(lambda: (text := label(code))[:1].upper() + text[1:])


def action_label(action: str) -> str:
    """The button text of a workflow action, also for the timeline's past actions."""
    transition = BY_ACTION.get(action)
    return str(transition.label) if transition else label(action)
