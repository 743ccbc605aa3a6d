"""/api/v1/needs and /api/v1/offers: one set of handlers for both."""

from __future__ import annotations

from typing import Any

from flask import request

from matchmaker.api import api, serializers
from matchmaker.api.common import caller, json_body, paging
from matchmaker.errors import DomainError
from matchmaker.profiles import catalogue
from matchmaker.profiles.catalogue import NEEDS, OFFERS, Filters, Kind
from matchmaker.validation import record_id, search_text
from matchmaker.web import commit


def list_entries(kind: Kind[Any]):
    page, per_page = paging()
    raw_organisation_id = request.args.get("organisation_id")
    organisation_id = record_id(raw_organisation_id)
    if raw_organisation_id and organisation_id is None:
        raise DomainError("organisation_id must be the id of an organisation, a whole number.")
    args = {
        name: search_text(request.args.get(name, ""), max_length=length)
        for name, length in (
            ("q", 200),
            ("country", 3),
            ("region", 60),
            ("theme", 60),
            ("type", 20),
            ("status", 20),
        )
    }
    filters = Filters(
        q=args["q"],
        country=args["country"],
        region=args["region"],
        theme=args["theme"],
        constituent_type=args["type"],
        status=args["status"],
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
    api.add_url_rule(f"{_path}/<id:entry_id>", f"get_{_kind.noun}", get_entry, defaults=_defaults)
    api.add_url_rule(
        f"{_path}/<id:entry_id>",
        f"patch_{_kind.noun}",
        patch_entry,
        methods=["PATCH"],
        defaults=_defaults,
    )
