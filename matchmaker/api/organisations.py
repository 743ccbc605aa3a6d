"""/api/v1/organisations"""

from __future__ import annotations

from matchmaker import access
from matchmaker.api import api, serializers
from matchmaker.api.common import caller, json_body, paging
from matchmaker.profiles import organisations
from matchmaker.web import commit


@api.get("/organisations")
def list_organisations():
    page, per_page = paging()
    items = organisations.list_visible(caller(), limit=per_page, offset=(page - 1) * per_page)
    return {
        "organisations": [serializers.organisation(o) for o in items],
        "page": page,
        "per_page": per_page,
    }


@api.get("/organisations/<id:organisation_id>")
def get_organisation(organisation_id: int):
    return serializers.organisation(organisations.get_visible(caller(), organisation_id))


@api.post("/organisations")
def create_organisation():
    """Coordinators register organisations they vouch for; these start verified."""
    access.require_staff(caller())
    values = organisations.clean_organisation(json_body())
    organisation = organisations.create_organisation(values, verified=True)
    commit()
    return serializers.organisation(organisation), 201
