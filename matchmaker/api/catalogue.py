"""/api/v1/needs and /api/v1/offers: one set of handlers for both."""

from __future__ import annotations

from typing import Any

from flask import request

from matchmaker.api import api, serializers
from matchmaker.api.common import caller, json_body, paging
from matchmaker.profiles import catalogue
from matchmaker.profiles.catalogue import NEEDS, OFFERS, Filters, Kind
from matchmaker.web import commit


def list_entries(kind: Kind[Any]):
    page, per_page = paging()
    organisation_id = request.args.get("organisation_id", type=int)
    filters = Filters(
        q=request.args.get("q", "")[:200],
        country=request.args.get("country", "")[:3],
        region=request.args.get("region", ""),
        theme=request.args.get("theme", ""),
        constituent_type=request.args.get("type", ""),
        status=request.args.get("status", ""),
        organisation_id=organisation_id,
    )
    result = catalogue.search(kind, caller(), filters, page=page, per_page=per_page)
    return {
        f"{kind.noun}s": [serializers.entry(item) for item in result.items],
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
    }


def create_entry(kind: Kind[Any]):
    entry = catalogue.create(kind, caller(), json_body())
    commit()
    return serializers.entry(entry), 201


def get_entry(kind: Kind[Any], entry_id: int):
    return serializers.entry(catalogue.get_visible(kind, caller(), entry_id))


def patch_entry(kind: Kind[Any], entry_id: int):
    actor = caller()
    entry = catalogue.get_visible(kind, actor, entry_id)
    catalogue.update(kind, actor, entry, json_body())
    commit()
    return serializers.entry(entry)


for _kind in (NEEDS, OFFERS):
    _path = f"/{_kind.noun}s"
    _defaults = {"kind": _kind}
    api.add_url_rule(_path, f"list_{_kind.noun}s", list_entries, defaults=_defaults)
    api.add_url_rule(
        _path, f"create_{_kind.noun}", create_entry, methods=["POST"], defaults=_defaults
    )
    api.add_url_rule(f"{_path}/<int:entry_id>", f"get_{_kind.noun}", get_entry, defaults=_defaults)
    api.add_url_rule(
        f"{_path}/<int:entry_id>",
        f"patch_{_kind.noun}",
        patch_entry,
        methods=["PATCH"],
        defaults=_defaults,
    )
