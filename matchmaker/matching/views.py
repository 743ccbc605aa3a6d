"""The need's match page: ranked peers and facilitators, each with "why this match"."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from matchmaker.matching.service import matches_for_need
from matchmaker.profiles.choices import theme_names
from matchmaker.web import current_actor

matching = Blueprint("matching", __name__)

SIGNAL_LABELS = {
    "text": _l("Similar expertise (text)"),
    "themes": _l("Shared themes"),
    "geography": _l("Regional proximity"),
    "track_record": _l("Track record"),
    "context": _l("Similar development context"),
    "language": _l("Shared working language"),
}
# the engine's warnings (it knows no Flask, so it writes them in English), as readers see them
FLAG_LABELS = {
    "no capacity left this period: demoted": _l("No capacity left this period: demoted."),
    "no shared working language: interpretation needed": _l(
        "No shared working language: interpretation needed."
    ),
}


@matching.get("/needs/<id:need_id>/matches")
@login_required
def need_matches(need_id: int):
    include_own = request.args.get("include_own_country") == "1"
    result = matches_for_need(current_actor(), need_id, top=10, include_own_country=include_own)
    return render_template(
        "matching/matches.html",
        need=result.need,
        ranking=result.ranking,
        labels=SIGNAL_LABELS,
        flag_labels=FLAG_LABELS,
        theme_names=theme_names(),
        include_own=include_own,
    )
