"""JSON shapes of the API resources."""

from __future__ import annotations

from typing import Any

from matchmaker.engine.records import Match
from models import Need, Offer, Organisation


def organisation_ref(organisation: Organisation) -> dict[str, Any]:
    return {"id": organisation.id, "name": organisation.name, "country": organisation.country_code}


def organisation(org: Organisation) -> dict[str, Any]:
    return {
        **organisation_ref(org),
        "constituent_type": org.constituent_type,
        "subtype": org.subtype,
        "description": org.description,
        "website": org.website,
        "working_languages": org.working_languages,
        "verified": org.is_verified,
        "verification_status": org.verification_status,
    }


def entry(item: Need | Offer) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": item.id,
        "title": item.title,
        "description": item.description,
        "text_language": item.text_language,
        "status": item.status,
        "themes": [theme.code for theme in item.themes],
        "modalities": item.modalities,
        "languages": item.languages,
        "source": item.source,
        "organisation": organisation_ref(item.organisation),
        "created_at": item.created_at.isoformat(),
        "updated_at": item.updated_at.isoformat(),
    }
    if isinstance(item, Need):
        body["start_date"] = item.start_date.isoformat() if item.start_date else None
        body["end_date"] = item.end_date.isoformat() if item.end_date else None
    else:
        body["evidence"] = item.evidence
        body["capacity"] = item.capacity_per_year
    return body


def match(item: Match) -> dict[str, Any]:
    """One ranked organisation, as the matches API and `matchmaker rank` print it."""
    best = item.offers[0]
    return {
        "organisation": {"id": item.provider_id, "name": item.name, "country": item.country},
        "country": item.country,
        "score": item.score,
        "offer": {"id": best.offer_id, "title": best.title},
        "offers": [{"id": o.offer_id, "title": o.title, "score": o.score} for o in item.offers],
        "explanation": item.explanation,
        "triangular": item.triangular,
    }
