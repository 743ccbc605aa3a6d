"""Every route × role: the exact status each role gets. A route without a row fails the suite.

World: organisation A (verified) with a published and a draft need and offer; organisation B
(verified, the "other" member's); a pending (unverified) organisation. Roles: anonymous,
owner (member of A), other (member of B), coordinator, admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from matchmaker.auth.services import issue_api_token
from matchmaker.extensions import db
from models import Exchange, ExchangeProvider, Round, RoundNeed
from tests.factories import PASSWORD

ROLES = ("anonymous", "owner", "other", "coordinator", "admin")


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    path: str
    expected: tuple[int, int, int, int, int]  # in ROLES order
    body: dict[str, Any] | None = None


NEED = {"title": "A new need", "description": "Learn from peers.", "text_language": "en"}
OFFER = {"title": "A new offer", "description": "Share what worked.", "text_language": "en"}
ORG = {
    "name": "Zambia Federation of Employers",
    "country": "ZMB",
    "constituent_type": "employers",
    "working_languages": ["en"],
}
PROFILE = {"subtype": "ministry", "website": "", "working_languages": "en", "description": "x"}

ROWS = [
    Row("profiles.home", "GET", "/", (200, 200, 200, 200, 200)),
    Row("profiles.dashboard", "GET", "/dashboard", (302, 200, 200, 200, 200)),
    Row("profiles.directory", "GET", "/directory?kind=needs", (200, 200, 200, 200, 200)),
    Row("profiles.organisation_detail", "GET", "/organisations/{org}", (200,) * 5),
    Row(
        "profiles.organisation_detail", "GET", "/organisations/{pending}", (404, 404, 404, 200, 200)
    ),
    Row(
        "profiles.organisation_edit", "GET", "/organisations/{org}/edit", (302, 200, 403, 403, 200)
    ),
    Row(
        "profiles.organisation_edit",
        "POST",
        "/organisations/{org}/edit",
        (302, 302, 403, 403, 302),
        PROFILE,
    ),
    Row(
        "profiles.organisation_edit",
        "GET",
        "/organisations/{pending}/edit",
        (302, 404, 404, 403, 200),
    ),
]
for noun, body in (("need", NEED), ("offer", OFFER)):
    ROWS += [
        Row(f"profiles.{noun}_new", "GET", f"/{noun}s/new", (302, 200, 200, 302, 302)),
        Row(
            f"profiles.{noun}_new",
            "POST",
            f"/{noun}s/new",
            (302, 302, 302, 302, 302),
            {**body, "status": "draft"},
        ),
        Row(f"profiles.{noun}_detail", "GET", f"/{noun}s/{{{noun}}}", (200,) * 5),
        Row(
            f"profiles.{noun}_detail",
            "GET",
            f"/{noun}s/{{draft_{noun}}}",
            (404, 200, 404, 200, 200),
        ),
        Row(
            f"profiles.{noun}_edit",
            "GET",
            f"/{noun}s/{{draft_{noun}}}/edit",
            (302, 200, 404, 403, 403),
        ),
        Row(
            f"profiles.{noun}_edit",
            "POST",
            f"/{noun}s/{{{noun}}}/edit",
            (302, 302, 403, 403, 403),
            {**body, "status": "published"},
        ),
        Row(
            f"profiles.{noun}_status",
            "POST",
            f"/{noun}s/{{draft_{noun}}}/status",
            (302, 302, 404, 403, 403),
            {"status": "published"},
        ),
        Row(f"api.list_{noun}s", "GET", f"/api/v1/{noun}s", (401, 200, 200, 200, 200)),
        Row(f"api.create_{noun}", "POST", f"/api/v1/{noun}s", (401, 201, 201, 403, 403), body),
        Row(
            f"api.get_{noun}", "GET", f"/api/v1/{noun}s/{{draft_{noun}}}", (401, 200, 404, 200, 200)
        ),
        Row(
            f"api.patch_{noun}",
            "PATCH",
            f"/api/v1/{noun}s/{{{noun}}}",
            (401, 200, 403, 403, 403),
            {"title": "Renamed"},
        ),
        Row(
            f"api.patch_{noun}",
            "PATCH",
            f"/api/v1/{noun}s/{{draft_{noun}}}",
            (401, 200, 404, 403, 403),
            {"title": "Renamed"},
        ),
    ]
ROWS += [
    Row("auth.login", "GET", "/login", (200,) * 5),
    Row("auth.register", "GET", "/register", (200,) * 5),
    Row("auth.logout", "POST", "/logout", (302,) * 5, {}),
    Row("auth.account", "GET", "/account", (302, 200, 200, 200, 200)),
    Row(
        "auth.revoke_token", "POST", "/account/tokens/{token}/revoke", (302, 302, 404, 404, 404), {}
    ),
    Row("auth.personal_data_export", "GET", "/account/data.json", (302, 200, 200, 200, 200)),
    Row("auth.delete_account", "GET", "/account/delete", (302, 200, 200, 200, 200)),
    Row(
        "auth.delete_account",
        "POST",
        "/account/delete",
        (302, 200, 200, 200, 200),
        {"current_password": "not the password"},
    ),
    Row(
        "auth.delete_account",
        "POST",
        "/account/delete",
        (302, 302, 302, 302, 200),  # the world's only admin is refused: the last one
        {"current_password": PASSWORD},
    ),
    Row(
        "auth.account",
        "POST",
        "/account",
        (302, 200, 200, 200, 200),
        {"em-new_email": "someone.new@example.org", "em-current_password": "wrong"},
    ),
    Row(
        "coordination.verification_queue",
        "GET",
        "/coordination/verification",
        (302, 403, 403, 200, 200),
    ),
    Row(
        "coordination.decide",
        "POST",
        "/coordination/verification/{pending}",
        (302, 403, 403, 302, 302),
        {"decision": "verified", "reason": "Checked."},
    ),
    Row(
        "coordination.invite",
        "GET",
        "/coordination/organisations/{org}/invite",
        (302, 403, 403, 200, 200),
    ),
    Row("coordination.import_csv", "GET", "/coordination/import", (302, 403, 403, 200, 200)),
    Row(
        "coordination.import_csv",
        "POST",
        "/coordination/import",
        (302, 403, 403, 200, 200),
        {"kind": "organisations", "action": "preview", "csv_text": "name,country\n"},
    ),
    Row(
        "api.create_token",
        "POST",
        "/api/v1/auth/token",
        (401,) * 5,
        {"email": "nobody@example.org", "password": "wrong password"},
    ),
    Row("api.openapi", "GET", "/api/v1/openapi.json", (200,) * 5),
    Row("matching.need_matches", "GET", "/needs/{need}/matches", (302, 200, 403, 200, 200)),
    Row("api.need_matches", "GET", "/api/v1/needs/{need}/matches", (401, 200, 403, 200, 200)),
    Row("health.healthz", "GET", "/healthz", (200,) * 5),
    Row("i18n.choose_language", "GET", "/language?lang=fr&next=/directory", (302,) * 5),
    Row("i18n.choose_language", "GET", "/language?lang=xx", (400,) * 5),
    Row("health.readyz", "GET", "/readyz", (200,) * 5),
    Row("public.index", "GET", "/public", (200,) * 5),
    Row("public.index", "GET", "/public?region=africa&year=2019&q=x", (200,) * 5),
    Row("public.exchange", "GET", "/public/exchanges/{completed_exchange}", (200,) * 5),
    Row("public.exchange", "GET", "/public/exchanges/{exchange}", (404,) * 5),  # a draft
    Row("public.export", "GET", "/public/exports/exchanges.csv", (200,) * 5),
    Row("public.export", "GET", "/public/exports/exchanges.json", (200,) * 5),
    Row("public.export", "GET", "/public/exports/offers.csv", (200,) * 5),
    Row("public.export", "GET", "/public/exports/offers.json", (200,) * 5),
    Row("public.export", "GET", "/public/exports/iati.xml", (200,) * 5),
    Row("public.export", "GET", "/public/exports/other.txt", (404,) * 5),
    Row("exchanges.index", "GET", "/exchanges", (302, 200, 200, 200, 200)),
    Row("exchanges.new", "GET", "/exchanges/new?need_id={need}", (302, 200, 200, 200, 200)),
    Row(
        "exchanges.new",
        "POST",
        "/exchanges/new",
        (302, 302, 403, 302, 302),
        {
            "need_id": "{need}",
            "provider_organisation_ids": "{provider}",
            "modality": "study_visit",
            "objectives": "Learn.",
        },
    ),
    Row("exchanges.detail", "GET", "/exchanges/{exchange}", (302, 200, 404, 200, 200)),
    Row(
        "exchanges.transition",
        "POST",
        "/exchanges/{exchange}/transitions",
        (302, 302, 404, 302, 302),
        {"action": "propose", "version": "1"},
    ),
    Row(
        "exchanges.evaluate",
        "POST",
        "/exchanges/{exchange}/evaluations",
        (302, 302, 404, 403, 403),
        {"usefulness": "5"},
    ),
    Row("exchanges.coordinator_inbox", "GET", "/coordination/inbox", (302, 403, 403, 200, 200)),
    Row("exchanges.notifications", "GET", "/notifications", (302, 200, 200, 200, 200)),
    Row("exchanges.notifications", "POST", "/notifications", (302,) * 5, {}),
    Row("api.list_exchanges", "GET", "/api/v1/exchanges", (401, 200, 200, 200, 200)),
    Row(
        "api.create_exchange",
        "POST",
        "/api/v1/exchanges",
        (401, 201, 403, 201, 201),
        {
            "need_id": "{need}",
            "provider_organisation_ids": ["{provider}"],
            "modality": "study_visit",
            "objectives": "Learn.",
        },
    ),
    Row("api.get_exchange", "GET", "/api/v1/exchanges/{exchange}", (401, 200, 404, 200, 200)),
    Row(
        "api.transition_exchange",
        "POST",
        "/api/v1/exchanges/{exchange}/transitions",
        (401, 200, 404, 200, 200),
        {"action": "propose", "version": 1},
    ),
    Row(
        "api.evaluate_exchange",
        "POST",
        "/api/v1/exchanges/{exchange}/evaluations",
        (401, 409, 404, 403, 403),
        {
            "usefulness": 5,
            "results_achieved": "x",
            "will_apply": "y",
            "principles": {
                "country_ownership": 5,
                "focus_on_results": 5,
                "inclusive_partnership": 5,
                "transparency_accountability": 5,
            },
        },
    ),
    Row("api.list_organisations", "GET", "/api/v1/organisations", (401, 200, 200, 200, 200)),
    Row(
        "api.get_organisation", "GET", "/api/v1/organisations/{pending}", (401, 404, 404, 200, 200)
    ),
    Row("api.create_organisation", "POST", "/api/v1/organisations", (401, 403, 403, 201, 201), ORG),
]
STAFF_PAGE = (302, 403, 403, 200, 200)  # coordinators' pages: members get 403
STAFF_POST = (302, 403, 403, 302, 302)
STAFF_MISSING = (302, 403, 403, 404, 404)
ROUND_SETTINGS = {"name": "Round", "min_partners": "1", "max_partners": "2", "candidates": "10"}
ROWS += [
    Row("rounds.index", "GET", "/rounds", STAFF_PAGE),
    Row("rounds.new", "GET", "/rounds/new", STAFF_PAGE),
    Row("rounds.new", "POST", "/rounds/new", STAFF_PAGE, ROUND_SETTINGS),  # no open need: form
    Row("rounds.detail", "GET", "/rounds/{round}", STAFF_PAGE),
    Row("rounds.edit", "GET", "/rounds/{round}/edit", STAFF_PAGE),
    Row(
        "rounds.edit", "POST", "/rounds/{round}/edit", STAFF_PAGE, {**ROUND_SETTINGS, "version": 1}
    ),
    Row("rounds.solve", "POST", "/rounds/{round}/solve", STAFF_POST, {"version": "1"}),
    Row("rounds.progress", "GET", "/rounds/{round}/progress", STAFF_PAGE),
    Row("rounds.cancel", "POST", "/rounds/{round}/cancel", STAFF_POST, {}),  # none running
    Row(
        "rounds.add_rule",
        "POST",
        "/rounds/{round}/rules",
        STAFF_POST,
        {"need_id": "{need}", "organisation_id": "{provider}", "kind": "never", "version": "1"},
    ),
    Row(
        "rounds.remove_rule",
        "POST",
        "/rounds/{round}/rules/9/delete",
        STAFF_MISSING,
        {"version": 1},
    ),
    Row(
        "rounds.set_capacity",
        "POST",
        "/rounds/{round}/capacities",
        STAFF_POST,
        {"organisation_id": "{provider}", "capacity": "2", "version": "1"},
    ),
    Row("rounds.lock", "POST", "/rounds/{round}/pairs/999/lock", STAFF_MISSING, {"version": "1"}),
    Row(
        "rounds.swap",
        "POST",
        "/rounds/{round}/pairs/999/swap",
        STAFF_POST,  # not solved yet: refused with a message
        {"version": "1", "organisation_id": "{provider}"},
    ),
    Row("rounds.publish", "POST", "/rounds/{round}/publish", STAFF_POST, {"version": "1"}),
]


@pytest.fixture
def world(make_organisation, make_user, make_need, make_offer) -> dict[str, Any]:
    org = make_organisation("Organisation A", "ZMB")
    other_org = make_organisation("Organisation B", "KEN")
    pending = make_organisation("Pending organisation", "GHA", verified=False)
    owner = make_user(org)
    users = {
        "owner": owner,
        "other": make_user(other_org),
        "coordinator": make_user(role="coordinator"),
        "admin": make_user(role="admin"),
    }
    issue_api_token(owner, "owner's", 30)
    db.session.commit()
    ids = {"org": org.id, "pending": pending.id, "token": owner.api_tokens[0].id}
    for noun, make in (("need", make_need), ("offer", make_offer)):
        ids[noun] = make(org, title=f"Published {noun}").id
        ids[f"draft_{noun}"] = make(org, status="draft", title=f"Draft {noun}").id
    provider = make_organisation("Provider C", "BRA")
    exchange = Exchange(
        need_id=ids["need"],
        title="Exchange",
        modality="study_visit",
        providers=[ExchangeProvider(organisation=provider)],
    )
    db.session.add(exchange)
    db.session.commit()
    completed = Exchange(
        need_id=ids["need"],
        title="Completed exchange",
        state="completed",
        year=2019,
        modality="study_visit",
        providers=[ExchangeProvider(organisation=provider, consent="accepted")],
    )
    db.session.add(completed)
    db.session.commit()
    ids.update(provider=provider.id, exchange=exchange.id, completed_exchange=completed.id)
    round_ = Round(name="Round", needs=[RoundNeed(need_id=ids["need"], candidates=[])])
    db.session.add(round_)
    db.session.commit()
    ids["round"] = round_.id
    return {"ids": ids, "users": users}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method} {r.path}")
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_access(app, client, world, row: Row, role_index: int) -> None:
    role = ROLES[role_index]
    path = row.path.format(**world["ids"])
    headers = {}
    if role != "anonymous":
        user = world["users"][role]
        if path.startswith("/api/"):
            headers["Authorization"] = f"Bearer {issue_api_token(user, 'matrix', 1)}"
            db.session.commit()
        else:
            assert (
                client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code
                == 302
            )
    kwargs: dict[str, Any] = {"headers": headers}
    if row.body is not None:
        kwargs["json" if path.startswith("/api/") else "data"] = _filled(row.body, world["ids"])
    response = client.open(path, method=row.method, **kwargs)
    assert response.status_code == row.expected[role_index], response.get_data(as_text=True)[:500]


def _filled(body: Any, ids: dict[str, int]) -> Any:
    """Put the world's ids into a request body ("{need}" becomes the need's id)."""
    if isinstance(body, dict):
        return {key: _filled(value, ids) for key, value in body.items()}
    if isinstance(body, list):
        return [_filled(value, ids) for value in body]
    if isinstance(body, str) and body.startswith("{") and body.endswith("}"):
        return ids[body[1:-1]]
    return body


def test_every_route_has_a_row(app):
    covered = {row.endpoint for row in ROWS}
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routes - covered == set(), f"routes without an access row: {routes - covered}"
