"""The need's match page: ranked peers and facilitators, each with "why this match"."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from matchmaker.matching.service import matches_for_need
from matchmaker.profiles.choices import theme_names
from matchmaker.web import current_actor

matching = Blueprint("matching", __name__)

SIGNAL_LABELS = {
    "text": "Similar expertise (text)",
    "themes": "Shared themes",
    "geography": "Regional proximity",
    "track_record": "Track record",
    "context": "Similar development context",
    "language": "Shared working language",
}


@matching.get("/needs/<int:need_id>/matches")
@login_required
def need_matches(need_id: int):
    include_own = request.args.get("include_own_country") == "1"
    result = matches_for_need(current_actor(), need_id, top=10, include_own_country=include_own)
    return render_template(
        "matching/matches.html",
        need=result.need,
        ranking=result.ranking,
        labels=SIGNAL_LABELS,
        theme_names=theme_names(),
        include_own=include_own,
    )
