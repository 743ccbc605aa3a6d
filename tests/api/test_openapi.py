"""The OpenAPI description matches the routes: nothing undocumented, nothing documented missing."""

from __future__ import annotations

import re

from jsonschema import Draft202012Validator

IGNORED_METHODS = {"HEAD", "OPTIONS"}
PREFIX = "/api/v1"


def _routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len(PREFIX) :])
        found |= {(path, method.lower()) for method in rule.methods - IGNORED_METHODS}
    return found


def _documented(document) -> set[tuple[str, str]]:
    return {(path, method) for path, item in document["paths"].items() for method in item}


def test_served_publicly_as_openapi_3_1(client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_route_is_documented_and_every_documented_route_exists(app, client):
    document = client.get(f"{PREFIX}/openapi.json").get_json()
    routes, documented = _routes(app), _documented(document)
    assert routes - documented == set(), "routes missing from matchmaker/api/openapi.py"
    assert documented - routes == set(), "documented operations that no route answers"


def test_every_schema_and_reference_is_valid(client):
    document = client.get(f"{PREFIX}/openapi.json").get_json()
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    names = set(re.findall(r'"#/components/(\w+)/([^"]+)"', str(document).replace("'", '"')))
    for kind, name in names:
        assert name in document["components"][kind], f"dangling reference {kind}/{name}"


def test_every_operation_documents_its_errors_as_problem_json(client):
    document = client.get(f"{PREFIX}/openapi.json").get_json()
    problem = {"application/problem+json"}
    for name, response in document["components"]["responses"].items():
        assert set(response["content"]) == problem, name
    for path, item in document["paths"].items():
        for method, operation in item.items():
            statuses = set(operation["responses"])
            public = operation.get("security") == []
            assert public or "401" in statuses, f"{method} {path} lacks 401"
            if "requestBody" in operation:
                assert {"400", "413", "415"} <= statuses, f"{method} {path} lacks body errors"
