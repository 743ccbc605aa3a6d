"""GET /api/v1/needs/{id}/matches: ranked South-South partners, and triangular facilitators."""

from __future__ import annotations

from flask import request

from matchmaker.api import api, serializers
from matchmaker.api.common import caller
from matchmaker.errors import DomainError
from matchmaker.matching.service import matches_for_need


@api.get("/needs/<id:need_id>/matches")
def need_matches(need_id: int):
    try:
        top = int(request.args.get("top", 10))
    except ValueError as exc:
        raise DomainError("top must be a whole number between 1 and 50.") from exc
    include_own = request.args.get("include_own_country", "").lower() in ("1", "true", "yes")
    result = matches_for_need(caller(), need_id, top=top, include_own_country=include_own)
    return {
        "need": {"id": result.need.id, "title": result.need.title},
        "themes": list(result.ranking.themes),
        "themes_inferred": result.ranking.inferred_themes,
        "matches": [serializers.match(m) for m in result.ranking.peers],
        "facilitators": [serializers.match(m) for m in result.ranking.facilitators],
    }
