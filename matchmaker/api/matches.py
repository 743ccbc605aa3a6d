"""GET /api/v1/needs/{id}/matches: ranked South-South partners, and triangular facilitators."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from matchmaker.api import api, serializers
from matchmaker.api.common import caller
from matchmaker.errors import DomainError
from matchmaker.matching.service import NeedMatches, matches_for_need


@api.get("/needs/<id:need_id>/matches")
def need_matches(need_id: int):
    try:
        top = int(request.args.get("top", 10))
    except ValueError as exc:
        raise DomainError("top must be a whole number between 1 and 50.") from exc
    include_own = request.args.get("include_own_country", "").lower() in ("1", "true", "yes")
    result = matches_for_need(caller(), need_id, top=top, include_own_country=include_own)
    body = result.derived("api", lambda: current_app.json.dumps(_body(result)) + "\n")
    return current_app.response_class(body, mimetype=current_app.json.mimetype)


def _body(result: NeedMatches) -> dict[str, Any]:
    """The same for every caller allowed to see it, so it is encoded once per ranking."""
    return {
        "need": {"id": result.need.id, "title": result.need.title},
        "themes": list(result.ranking.themes),
        "themes_inferred": result.ranking.inferred_themes,
        "matches": [serializers.match(m) for m in result.ranking.peers],
        "facilitators": [serializers.match(m) for m in result.ranking.facilitators],
    }
