"""The OpenAPI 3.1 description of /api/v1, built from small pieces, served at /api/v1/openapi.json.

tests/api/test_openapi.py keeps it true to app.url_map; tests/api/test_fuzz.py fuzzes the app
against it, so a change to a route or a response shape must be made here too.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from matchmaker.api import api
from matchmaker.api.common import MAX_PAGE
from matchmaker.exchanges.evaluations import PRINCIPLES
from matchmaker.exchanges.services import MAX_PROVIDERS
from matchmaker.exchanges.workflow import ACTIONS
from matchmaker.knowledge.vocabulary import (
    CONSTITUENT_TYPES,
    FACILITATOR_ROLES,
    MODALITIES,
    OFFER_STATUSES,
    SUBTYPES,
)
from matchmaker.validation import MAX_ID

Schema = dict[str, Any]

# --- schema pieces -------------------------------------------------------------------------


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: str = "", *, closed: bool = False, **properties: Schema) -> Schema:
    """An object with these properties; `required` names them, space-separated."""
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required.split()
    if closed:
        schema["additionalProperties"] = False
    return schema


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def array(items: Schema, **limits: int) -> Schema:
    return {"type": "array", "items": items, **limits}


def text(max_length: int, **extra: Any) -> Schema:
    return {"type": "string", "maxLength": max_length, **extra}


def enum(values: tuple[str, ...] | list[str]) -> Schema:
    return {"type": "string", "enum": list(values)}


INTEGER: Schema = {"type": "integer"}
ID: Schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
STRING: Schema = {"type": "string"}
BOOLEAN: Schema = {"type": "boolean"}
DATE: Schema = {"type": "string", "format": "date"}
TIMESTAMP: Schema = {"type": "string", "description": "ISO 8601 date and time"}
LANGUAGES: Schema = array({"type": "string", "pattern": "^[a-z]{2}$"}, maxItems=10)
CODES: Schema = array({"type": "string", "pattern": "^[a-z0-9_]{1,60}$"}, maxItems=8)
STATE_AND_VERSION = {"id": ID, "state": STRING, "version": INTEGER}

ENTRY_INPUT = {
    "title": text(200, minLength=1),
    "description": text(5000, minLength=1),
    "text_language": {"type": "string", "pattern": "^[a-z]{2}$"},
    "themes": CODES,
    "modalities": array(enum(MODALITIES), uniqueItems=True),
    "languages": LANGUAGES,
    "status": enum(OFFER_STATUSES),
    "source": nullable(text(500)),
}
NEED_INPUT = {**ENTRY_INPUT, "start_date": nullable(DATE), "end_date": nullable(DATE)}
OFFER_INPUT = {
    **ENTRY_INPUT,
    "evidence": nullable(text(5000)),
    "capacity": nullable({"type": "integer", "minimum": 0, "maximum": 100}),
}
ENTRY_OUTPUT = {
    "id": ID,
    "title": STRING,
    "description": STRING,
    "text_language": STRING,
    "status": enum(OFFER_STATUSES),
    "themes": array(STRING),
    "modalities": array(STRING),
    "languages": array(STRING),
    "source": nullable(STRING),
    "organisation": ref("OrganisationRef"),
    "created_at": TIMESTAMP,
    "updated_at": TIMESTAMP,
}
ENTRY_REQUIRED = " ".join(ENTRY_OUTPUT)


def entry_list(noun: str) -> Schema:
    return obj(
        f"{noun}s total page per_page",
        **{f"{noun}s": array(ref(noun.capitalize()))},
        total=INTEGER,
        page=INTEGER,
        per_page=INTEGER,
    )


ORGANISATION_REF = obj("id name country", id=ID, name=STRING, country=STRING)
MATCH = obj(
    "organisation country score offer offers explanation triangular",
    organisation=ref("OrganisationRef"),
    country=STRING,
    score={"type": "number"},
    offer=obj("id title", id=ID, title=STRING),
    offers=array(obj("id title score", id=ID, title=STRING, score={"type": "number"})),
    explanation={"type": "object", "description": "each signal's value, weight, contribution"},
    triangular=BOOLEAN,
)
EXCHANGE_INPUT_REQUIRED = "need_id provider_organisation_ids modality objectives"

SCHEMAS: dict[str, Schema] = {
    "Problem": obj(
        "type title status detail",
        type=STRING,
        title=STRING,
        status={"type": "integer", "minimum": 400, "maximum": 599},
        detail=STRING,
        errors={
            "type": "object",
            "additionalProperties": STRING,
            "description": "what is wrong with each field",
        },
        allowed_actions=array(STRING),
    ),
    "TokenRequest": obj(
        "email password", closed=True, email=text(254), password=text(1024), name=text(80)
    ),
    "Token": obj(
        "token token_type expires_in_days",
        token=STRING,
        token_type=enum(["Bearer"]),
        expires_in_days=INTEGER,
    ),
    "OrganisationRef": ORGANISATION_REF,
    "Organisation": {
        "allOf": [
            ref("OrganisationRef"),
            obj(
                "constituent_type subtype description website working_languages verified "
                "verification_status",
                constituent_type=enum(CONSTITUENT_TYPES),
                subtype=nullable(STRING),
                description=STRING,
                website=nullable(STRING),
                working_languages=array(STRING),
                verified=BOOLEAN,
                verification_status=STRING,
            ),
        ]
    },
    "OrganisationInput": obj(
        "name country constituent_type working_languages",
        closed=True,
        name=text(200, minLength=1),
        country={"type": "string", "pattern": "^[A-Za-z]{3}$"},
        constituent_type=enum(CONSTITUENT_TYPES),
        subtype=nullable(enum(SUBTYPES)),
        description=text(5000),
        website=nullable(text(300, format="uri")),
        working_languages={**LANGUAGES, "minItems": 1},
    ),
    "OrganisationList": obj(
        "organisations page per_page",
        organisations=array(ref("Organisation")),
        page=INTEGER,
        per_page=INTEGER,
    ),
    "NeedInput": obj("title description", closed=True, **NEED_INPUT),
    "NeedPatch": obj(closed=True, **NEED_INPUT),
    "OfferInput": obj("title description", closed=True, **OFFER_INPUT),
    "OfferPatch": obj(closed=True, **OFFER_INPUT),
    "Need": obj(
        f"{ENTRY_REQUIRED} start_date end_date",
        **ENTRY_OUTPUT,
        start_date=nullable(DATE),
        end_date=nullable(DATE),
    ),
    "Offer": obj(
        f"{ENTRY_REQUIRED} evidence capacity",
        **ENTRY_OUTPUT,
        evidence=nullable(STRING),
        capacity=nullable(INTEGER),
    ),
    "NeedList": entry_list("need"),
    "OfferList": entry_list("offer"),
    "Match": MATCH,
    "Matches": obj(
        "need themes themes_inferred matches facilitators",
        need=obj("id title", id=ID, title=STRING),
        themes=array(STRING),
        themes_inferred=BOOLEAN,
        matches=array(ref("Match")),
        facilitators=array(ref("Match")),
    ),
    "ExchangeInput": obj(
        EXCHANGE_INPUT_REQUIRED,
        closed=True,
        need_id=ID,
        provider_organisation_ids=array(ID, minItems=1, maxItems=MAX_PROVIDERS),
        modality=enum(MODALITIES),
        title=text(200),
        objectives=text(5000, minLength=1),
        expected_results=text(5000),
        start_date=nullable(DATE),
        end_date=nullable(DATE),
        facilitator_organisation_id=nullable(ID),
        facilitator_role=nullable(enum(FACILITATOR_ROLES)),
        budget_amount=nullable({"type": "string", "pattern": r"^\d{1,12}(\.\d{1,2})?$"}),
        budget_currency=nullable({"type": "string", "pattern": "^[A-Z]{3}$"}),
        funding_source=nullable(text(200)),
        participants=nullable({"type": "integer", "minimum": 0, "maximum": 10_000}),
        languages=LANGUAGES,
    ),
    "ExchangeState": obj("id state version", **STATE_AND_VERSION),
    "ExchangeList": obj(
        "exchanges",
        exchanges=array(obj("id title state version", title=STRING, **STATE_AND_VERSION)),
    ),
    "Exchange": obj(
        "id state version title need providers facilitator modality objectives "
        "expected_results start_date end_date budget_amount budget_currency funding_source "
        "participants languages allowed_actions history",
        **STATE_AND_VERSION,
        title=STRING,
        need=obj("id title organisation", id=ID, title=STRING, organisation=ref("OrganisationRef")),
        providers=array(
            obj("organisation consent", organisation=ref("OrganisationRef"), consent=STRING)
        ),
        facilitator=nullable(
            {"allOf": [ref("OrganisationRef"), obj("role", role=nullable(STRING))]}
        ),
        modality=STRING,
        objectives=STRING,
        expected_results=STRING,
        start_date=nullable(DATE),
        end_date=nullable(DATE),
        budget_amount=nullable(STRING),
        budget_currency=nullable(STRING),
        funding_source=nullable(STRING),
        participants=nullable(INTEGER),
        languages=array(STRING),
        allowed_actions=array(STRING),
        history=array(
            obj(
                "action from to actor organisation comment at",
                action=STRING,
                **{"from": nullable(STRING), "to": STRING},
                actor=STRING,
                organisation=nullable(STRING),
                comment=STRING,
                at=TIMESTAMP,
            )
        ),
    ),
    "TransitionInput": obj(
        "action version",
        closed=True,
        action=enum(ACTIONS),
        version=INTEGER,
        comment=text(2000),
        start_date=nullable(DATE),
        end_date=nullable(DATE),
    ),
    "EvaluationInput": obj(
        "usefulness results_achieved will_apply principles",
        closed=True,
        usefulness={"type": "integer", "minimum": 1, "maximum": 5},
        results_achieved=text(5000, minLength=1),
        will_apply=text(5000, minLength=1),
        principles=obj(
            " ".join(PRINCIPLES),
            closed=True,
            **{name: {"type": "integer", "minimum": 1, "maximum": 5} for name in PRINCIPLES},
        ),
    ),
    "Evaluation": obj(
        "id side usefulness exchange",
        id=ID,
        side=enum(["requester", "provider"]),
        usefulness=INTEGER,
        exchange=ref("ExchangeState"),
    ),
}

# --- responses and parameters ---------------------------------------------------------------

PROBLEMS = {
    400: "The request is malformed (not a JSON object, a bad page number): see `detail`",
    401: "No valid bearer token",
    403: "Your role or organisation may not do this",
    404: "No such record, or not one you may see",
    409: "The request does not fit the record's state (or a stale `version`)",
    413: "The request body is larger than the server accepts",
    415: "The body is not sent as `Content-Type: application/json`",
    422: "Invalid input; `errors` maps each field to what is wrong with it",
    429: "Too many failed attempts; wait and try again",
    503: "The database is unavailable; try again in a moment",
}
BODY_PROBLEMS = (400, 413, 415)


def problem_response(status: int) -> Schema:
    return {
        "description": PROBLEMS[status],
        "content": {"application/problem+json": {"schema": ref("Problem")}},
    }


def path_id(name: str) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": ID}


def query(name: str, schema: Schema, description: str) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


PAGING = [
    {"$ref": "#/components/parameters/page"},
    {"$ref": "#/components/parameters/per_page"},
]
PARAMETERS = {
    "page": query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "Page, from 1"),
    "per_page": query(
        "per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Items per page (≤ 100)"
    ),
}
CATALOGUE_FILTERS = [
    query("q", text(200), "Words in the title, description or organisation name"),
    query("country", text(3), "ISO 3166 alpha-3 code of the organisation's country"),
    query("region", STRING, "ILO region"),
    query("theme", STRING, "Theme code"),
    query("type", enum(CONSTITUENT_TYPES), "Constituent type of the organisation"),
    query("status", enum(OFFER_STATUSES), "Status (staff and the owning members see drafts)"),
    query("organisation_id", ID, "Only this organisation's records"),
    *PAGING,
]


def operation(
    operation_id: str,
    summary: str,
    ok: tuple[int, str],
    *,
    problems: tuple[int, ...] = (),
    body: str | None = None,
    parameters: list[Schema] | None = None,
    public: bool = False,
    links: dict[str, Schema] | None = None,
) -> Schema:
    """One operation: its success response, then every problem it may answer with."""
    status, schema = ok
    success: Schema = {
        "description": summary,
        "content": {"application/json": {"schema": ref(schema) if schema else {"type": "object"}}},
    }
    if links:
        success["links"] = links
    statuses = set(problems) | ({401, 503} if not public else set())
    if body:
        statuses |= set(BODY_PROBLEMS)
    spec: Schema = {
        "operationId": operation_id,
        "summary": summary,
        "responses": {
            str(status): success,
            **{str(s): {"$ref": f"#/components/responses/{s}"} for s in sorted(statuses)},
        },
    }
    if public:
        spec["security"] = []
    if parameters:
        spec["parameters"] = parameters
    if body:
        spec["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref(body)}},
        }
    return spec


def link(operation_id: str, parameter: str) -> Schema:
    """Feed the new record's id to the next call (schemathesis' stateful run follows these)."""
    return {"operationId": operation_id, "parameters": {parameter: "$response.body#/id"}}


def catalogue_paths(noun: str) -> dict[str, Schema]:
    """Needs and offers share their handlers, so they share their description too."""
    model = noun.capitalize()
    follow = {
        f"get_{noun}": link(f"get_{noun}", "entry_id"),
        f"patch_{noun}": link(f"patch_{noun}", "entry_id"),
    }
    if noun == "need":
        follow["need_matches"] = link("need_matches", "need_id")
    item = [path_id("entry_id")]
    return {
        f"/{noun}s": {
            "get": operation(
                f"list_{noun}s",
                f"{model}s you may see, newest first",
                (200, f"{model}List"),
                problems=(400,),
                parameters=CATALOGUE_FILTERS,
            ),
            "post": operation(
                f"create_{noun}",
                f"Create a {noun} for your organisation",
                (201, model),
                problems=(403, 409, 422),
                body=f"{model}Input",
                links=follow,
            ),
        },
        f"/{noun}s/{{entry_id}}": {
            "get": operation(
                f"get_{noun}", f"One {noun}", (200, model), problems=(404,), parameters=item
            ),
            "patch": operation(
                f"patch_{noun}",
                f"Change some fields of your {noun}",
                (200, model),
                problems=(403, 404, 409, 422),
                body=f"{model}Patch",
                parameters=item,
            ),
        },
    }


def paths() -> dict[str, Schema]:
    exchange = [path_id("exchange_id")]
    return {
        "/openapi.json": {"get": operation("openapi", "This description", (200, ""), public=True)},
        "/auth/token": {
            "post": operation(
                "create_token",
                "Exchange e-mail and password for a bearer token",
                (201, "Token"),
                problems=(401, 429, 503),
                body="TokenRequest",
                public=True,
            )
        },
        "/organisations": {
            "get": operation(
                "list_organisations",
                "Organisations you may see",
                (200, "OrganisationList"),
                problems=(400,),
                parameters=PAGING,
            ),
            "post": operation(
                "create_organisation",
                "Register an organisation (coordinators; it starts verified)",
                (201, "Organisation"),
                problems=(403, 422),
                body="OrganisationInput",
                links={"get_organisation": link("get_organisation", "organisation_id")},
            ),
        },
        "/organisations/{organisation_id}": {
            "get": operation(
                "get_organisation",
                "One organisation",
                (200, "Organisation"),
                problems=(404,),
                parameters=[path_id("organisation_id")],
            )
        },
        **catalogue_paths("need"),
        **catalogue_paths("offer"),
        "/needs/{need_id}/matches": {
            "get": operation(
                "need_matches",
                "Ranked partners for a need (its organisation and coordinators)",
                (200, "Matches"),
                problems=(400, 403, 404, 422),
                parameters=[
                    path_id("need_id"),
                    query(
                        "top",
                        {"type": "integer", "minimum": 1, "maximum": 50},
                        "How many partners (1-50)",
                    ),
                    query(
                        "include_own_country",
                        enum(["true", "false", "1", "0"]),
                        "Include the requester's own country",
                    ),
                ],
            )
        },
        "/exchanges": {
            "get": operation(
                "list_exchanges", "Exchanges your organisation takes part in", (200, "ExchangeList")
            ),
            "post": operation(
                "create_exchange",
                "Draft an exchange for a published need",
                (201, "Exchange"),
                problems=(403, 409, 422),
                body="ExchangeInput",
                links={
                    "get_exchange": link("get_exchange", "exchange_id"),
                    "transition_exchange": link("transition_exchange", "exchange_id"),
                },
            ),
        },
        "/exchanges/{exchange_id}": {
            "get": operation(
                "get_exchange",
                "One exchange, its history and your next actions",
                (200, "Exchange"),
                problems=(404,),
                parameters=exchange,
            )
        },
        "/exchanges/{exchange_id}/transitions": {
            "post": operation(
                "transition_exchange",
                "Take one workflow action",
                (200, "ExchangeState"),
                problems=(403, 404, 409, 422),
                body="TransitionInput",
                parameters=exchange,
            )
        },
        "/exchanges/{exchange_id}/evaluations": {
            "post": operation(
                "evaluate_exchange",
                "Your side's evaluation of a completed exchange",
                (201, "Evaluation"),
                problems=(403, 404, 409, 422),
                body="EvaluationInput",
                parameters=exchange,
            )
        },
    }


@cache
def document() -> Schema:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Matchmaker API",
            "version": "1",
            "description": "Peer-learning needs, offers, matches and brokered exchanges. Errors "
            "are application/problem+json with a `detail` a person can act on.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": paths(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from POST /auth/token or the account page",
                }
            },
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": {str(status): problem_response(status) for status in PROBLEMS},
        },
    }


@api.get("/openapi.json")
def openapi():
    return document()
