"""Every route × role × object state: the exact status each role gets. A route without a row,
or a state-dependent route (STATEFUL) without a row for each state of its object, fails the suite.

World: organisation A (verified) with a need and an offer in every status; an organisation in
every other verification status, each with a member; organisation B (verified, the "other"
member's); provider C; an exchange in every workflow state (for a need of A, C providing); a
matching round in every status. Roles: anonymous, owner (member of the organisation that owns
the object: A, or the organisation itself on organisation routes), other (member of B),
coordinator, admin. Placeholders such as "{exchange_proposed}" name the world's objects.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Table, insert, select, text

from matchmaker.auth.services import issue_api_token
from matchmaker.auth.sessions import SEEN_AT, SIGNED_IN_AT
from matchmaker.exchanges.evaluations import PRINCIPLES
from matchmaker.extensions import db
from matchmaker.knowledge.vocabulary import NEED_STATUSES, OFFER_STATUSES
from models import (
    Base,
    Evaluation,
    Exchange,
    ExchangeProvider,
    Need,
    Offer,
    Organisation,
    Round,
    RoundNeed,
    RoundPartner,
    RoundSolve,
    User,
)
from models.exchange import EXCHANGE_STATES
from models.organisation import VERIFICATION_STATUSES
from models.round import ROUND_STATUSES
from tests.conftest import REFERENCE_TABLES
from tests.factories import PASSWORD

ROLES = ("anonymous", "owner", "other", "coordinator", "admin")
Statuses = tuple[int, ...]  # one per role, in ROLES order


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    path: str
    expected: Statuses
    body: dict[str, Any] | None = None
    state: str | None = None  # the state of the object the row is about (routes in STATEFUL)
    owner: str = "owner"  # the world's user who plays "owner" (the object's organisation)


NEED = {"title": "A new need", "description": "Learn from peers.", "text_language": "en"}
OFFER = {"title": "A new offer", "description": "Share what worked.", "text_language": "en"}
ORG = {
    "name": "Zambia Federation of Employers",
    "country": "ZMB",
    "constituent_type": "employers",
    "working_languages": ["en"],
}
PROFILE = {"subtype": "ministry", "website": "", "working_languages": "en", "description": "x"}
PROPOSAL = {
    "provider_organisation_ids": ["{provider}"],
    "modality": "study_visit",
    "objectives": "Learn.",
}
EVALUATION = {
    "usefulness": 5,
    "results_achieved": "x",
    "will_apply": "y",
    "principles": dict.fromkeys(PRINCIPLES, 5),
}
EVALUATION_FORM = {
    "usefulness": "5",
    "results_achieved": "x",
    "will_apply": "y",
    **dict.fromkeys(PRINCIPLES, "5"),
}
STAFF_PAGE = (302, 403, 403, 200, 200)  # coordinators' pages: members get 403
STAFF_POST = (302, 403, 403, 302, 302)
STAFF_MISSING = (302, 403, 403, 404, 404)

ROWS = [
    Row("profiles.home", "GET", "/", (200, 200, 200, 200, 200)),
    Row("profiles.dashboard", "GET", "/dashboard", (302, 200, 200, 200, 200)),
    Row("profiles.directory", "GET", "/directory?kind=needs", (200, 200, 200, 200, 200)),
]
# verification status: is the organisation public
ORGANISATIONS = {"unverified": False, "verified": True, "rejected": False}
for status, public in ORGANISATIONS.items():
    outsider = 403 if public else 404  # a hidden organisation's existence is not revealed
    path = f"/organisations/{{org_{status}}}"
    of_it = {"state": status, "owner": f"member_{status}"}
    ROWS += [
        Row(
            "profiles.organisation_detail",
            "GET",
            path,
            (200,) * 5 if public else (404, 200, 404, 200, 200),
            **of_it,
        ),
        Row(
            "profiles.organisation_edit",
            "GET",
            f"{path}/edit",
            (302, 200, outsider, 403, 200),
            **of_it,
        ),
        Row(
            "profiles.organisation_edit",
            "POST",
            f"{path}/edit",
            (302, 302, outsider, 403, 302),
            PROFILE,
            **of_it,
        ),
        Row(
            "api.get_organisation",
            "GET",
            f"/api/v1{path}",
            (401, 200, 200 if public else 404, 200, 200),
            **of_it,
        ),
        Row(
            "coordination.decide",
            "POST",
            f"/coordination/verification/{{org_{status}}}",
            STAFF_POST,  # an organisation already decided on: a message, no change
            {"decision": "verified", "reason": "Checked."},
            **of_it,
        ),
        Row("coordination.invite", "GET", f"/coordination{path}/invite", STAFF_PAGE, **of_it),
    ]
# status of a need or offer: (is it public, the status its owner moves it to)
ENTRIES = {"draft": (False, "published"), "published": (True, "closed"), "closed": (False, "draft")}
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
        Row(f"api.list_{noun}s", "GET", f"/api/v1/{noun}s", (401, 200, 200, 200, 200)),
        Row(f"api.create_{noun}", "POST", f"/api/v1/{noun}s", (401, 201, 201, 403, 403), body),
    ]
    for status, (public, target) in ENTRIES.items():
        outsider = 403 if public else 404  # a hidden record's existence is not revealed
        path = f"/{noun}s/{{{noun}_{status}}}"
        ROWS += [
            Row(
                f"profiles.{noun}_detail",
                "GET",
                path,
                (200,) * 5 if public else (404, 200, 404, 200, 200),
                state=status,
            ),
            Row(
                f"profiles.{noun}_edit",
                "GET",
                f"{path}/edit",
                (302, 200, outsider, 403, 403),
                state=status,
            ),
            Row(
                f"profiles.{noun}_edit",
                "POST",
                f"{path}/edit",
                (302, 302, outsider, 403, 403),
                {**body, "status": status},
                state=status,
            ),
            Row(
                f"profiles.{noun}_status",
                "POST",
                f"{path}/status",
                (302, 302, outsider, 403, 403),
                {"status": target},
                state=status,
            ),
            Row(
                f"api.get_{noun}",
                "GET",
                f"/api/v1{path}",
                (401, 200, 200 if public else 404, 200, 200),
                state=status,
            ),
            Row(
                f"api.patch_{noun}",
                "PATCH",
                f"/api/v1{path}",
                (401, 200, outsider, 403, 403),
                {"title": "Renamed"},
                state=status,
            ),
        ]
for status, (public, _target) in ENTRIES.items():
    outsider = 403 if public else 404
    need = f"{{need_{status}}}"
    ROWS += [
        Row(
            "matching.need_matches",
            "GET",
            f"/needs/{need}/matches",
            (302, 200, outsider, 200, 200),
            state=status,
        ),
        Row(
            "api.need_matches",
            "GET",
            f"/api/v1/needs/{need}/matches",
            (401, 200, outsider, 200, 200),
            state=status,
        ),
        Row(
            "exchanges.new",
            "GET",
            f"/exchanges/new?need_id={need}",
            (302, 200, outsider, 200, 200),  # no form that could not be sent
            state=status,
        ),
        Row(
            "exchanges.new",
            "POST",
            "/exchanges/new",
            # only a public need leads to an exchange; else the form again, saying why
            (302, 302, 403, 302, 302) if public else (302, 200, 404, 200, 200),
            {**PROPOSAL, "need_id": need, "provider_organisation_ids": "{provider}"},
            state=status,
        ),
        Row(
            "api.create_exchange",
            "POST",
            "/api/v1/exchanges",
            (401, 201, 403, 201, 201) if public else (401, 409, 422, 409, 409),
            {**PROPOSAL, "need_id": need},
            state=status,
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
    Row("health.healthz", "GET", "/healthz", (200,) * 5),
    Row("i18n.choose_language", "GET", "/language?lang=fr&next=/directory", (302,) * 5),
    Row("i18n.choose_language", "GET", "/language?lang=xx", (400,) * 5),
    Row("health.readyz", "GET", "/readyz", (200,) * 5),
    Row("public.index", "GET", "/public", (200,) * 5),
    Row("public.index", "GET", "/public?region=africa&year=2019&q=x", (200,) * 5),
    Row("public.export", "GET", "/public/exports/exchanges.csv", (200,) * 5),
    Row("public.export", "GET", "/public/exports/exchanges.json", (200,) * 5),
    Row("public.export", "GET", "/public/exports/offers.csv", (200,) * 5),
    Row("public.export", "GET", "/public/exports/offers.json", (200,) * 5),
    Row("public.export", "GET", "/public/exports/iati.xml", (200,) * 5),
    Row("public.export", "GET", "/public/exports/other.txt", (404,) * 5),
    Row("exchanges.index", "GET", "/exchanges", (302, 200, 200, 200, 200)),
    Row("exchanges.coordinator_inbox", "GET", "/coordination/inbox", (302, 403, 403, 200, 200)),
    Row("exchanges.notifications", "GET", "/notifications", (302, 200, 200, 200, 200)),
    Row("exchanges.notifications", "POST", "/notifications", (302,) * 5, {}),
    Row("api.list_exchanges", "GET", "/api/v1/exchanges", (401, 200, 200, 200, 200)),
    Row("api.list_organisations", "GET", "/api/v1/organisations", (401, 200, 200, 200, 200)),
    Row("api.create_organisation", "POST", "/api/v1/organisations", (401, 403, 403, 201, 201), ORG),
]
REQUESTER_OR_STAFF = (401, 200, 404, 200, 200)
REQUESTER_ONLY = (401, 200, 404, 403, 403)
STAFF_ONLY = (401, 403, 404, 200, 200)
AFTER_THE_END = (401, 403, 404, 409, 409)  # "cancel" is the coordinators', and too late
# workflow state: (an action sent in it, the API's answers, the public page's answer)
EXCHANGES = {
    "draft": ("propose", REQUESTER_OR_STAFF, 404),
    "proposed": ("withdraw", REQUESTER_ONLY, 404),
    "accepted": ("review", STAFF_ONLY, 404),
    "under_review": ("approve", STAFF_ONLY, 404),
    "approved": ("schedule", REQUESTER_OR_STAFF, 200),
    "scheduled": ("start", REQUESTER_OR_STAFF, 200),
    "in_progress": ("complete", REQUESTER_OR_STAFF, 200),
    "completed": ("cancel", STAFF_ONLY, 200),
    "evaluated": ("close", STAFF_ONLY, 200),
    "closed": ("cancel", AFTER_THE_END, 200),
    "declined": ("cancel", AFTER_THE_END, 404),
    "withdrawn": ("cancel", AFTER_THE_END, 404),
    "rejected": ("cancel", AFTER_THE_END, 404),
    "cancelled": ("cancel", AFTER_THE_END, 404),
}
PAGE_ANSWERS = {401: 302, 200: 302, 201: 302, 409: 302, 403: 403, 404: 404}


def as_page(api: Statuses) -> Statuses:
    """The page's answers where the API answers `api`: it sends the anonymous to sign in and
    turns a refusal the user can act on into a message on the exchange; 403 and 404 stay."""
    return tuple(PAGE_ANSWERS[status] for status in api)


for state, (action, answers, public) in EXCHANGES.items():
    path = f"/exchanges/{{exchange_{state}}}"
    step = {
        "action": action,
        "comment": "Agreed.",
        "start_date": "2030-03-02",
        "end_date": "2030-03-06",
    }
    # the parties evaluate, once the exchange is completed
    evaluation = (401, 201 if state == "completed" else 409, 404, 403, 403)
    ROWS += [
        Row("exchanges.detail", "GET", path, (302, 200, 404, 200, 200), state=state),
        Row("api.get_exchange", "GET", f"/api/v1{path}", REQUESTER_OR_STAFF, state=state),
        Row("public.exchange", "GET", f"/public{path}", (public,) * 5, state=state),
        Row(
            "exchanges.transition",
            "POST",
            f"{path}/transitions",
            as_page(answers),
            {**step, "version": "1"},
            state=state,
        ),
        Row(
            "api.transition_exchange",
            "POST",
            f"/api/v1{path}/transitions",
            answers,
            {**step, "version": 1},
            state=state,
        ),
        Row(
            "exchanges.evaluate",
            "POST",
            f"{path}/evaluations",
            as_page(evaluation),
            EVALUATION_FORM,
            state=state,
        ),
        Row(
            "api.evaluate_exchange",
            "POST",
            f"/api/v1{path}/evaluations",
            evaluation,
            EVALUATION,
            state=state,
        ),
    ]
ROUND_SETTINGS = {"name": "Round", "min_partners": "1", "max_partners": "2", "candidates": "10"}
ROWS += [
    Row("rounds.index", "GET", "/rounds", STAFF_PAGE),
    Row("rounds.new", "GET", "/rounds/new", STAFF_PAGE),
    Row("rounds.new", "POST", "/rounds/new", STAFF_POST, ROUND_SETTINGS),  # over the open need
]
# round status: does it take changes (a published or solving round refuses them)
ROUNDS = {"draft": True, "solving": False, "solved": True, "published": False}
for status, editable in ROUNDS.items():
    path = f"/rounds/{{round_{status}}}"
    change = STAFF_POST if editable else STAFF_PAGE  # refused: the form again, saying why
    missing = STAFF_MISSING if editable else STAFF_POST  # refused before looking the id up
    ROWS += [
        Row("rounds.detail", "GET", path, STAFF_PAGE, state=status),
        Row("rounds.progress", "GET", f"{path}/progress", STAFF_PAGE, state=status),
        Row("rounds.edit", "GET", f"{path}/edit", STAFF_PAGE, state=status),
        Row(
            "rounds.edit",
            "POST",
            f"{path}/edit",
            change,
            {**ROUND_SETTINGS, "version": "1"},
            state=status,
        ),
        Row(
            "rounds.add_rule",
            "POST",
            f"{path}/rules",
            change,
            {
                "need_id": "{need_published}",
                "organisation_id": "{provider}",
                "kind": "never",
                "version": "1",
            },
            state=status,
        ),
        Row(
            "rounds.set_capacity",
            "POST",
            f"{path}/capacities",
            change,
            {"organisation_id": "{provider}", "capacity": "2", "version": "1"},
            state=status,
        ),
        Row(
            "rounds.remove_rule",
            "POST",
            f"{path}/rules/9/delete",
            missing,
            {"version": "1"},
            state=status,
        ),
        Row(
            "rounds.lock",
            "POST",
            f"{path}/pairs/999/lock",
            missing,
            {"version": "1"},
            state=status,
        ),
        Row(
            "rounds.swap",
            "POST",
            f"{path}/pairs/999/swap",
            STAFF_MISSING if status == "solved" else STAFF_POST,  # only a solved slate swaps
            {"version": "1", "organisation_id": "{provider}"},
            state=status,
        ),
        # refused ones (nothing to cancel, solved or published already…) answer with a message
        Row("rounds.solve", "POST", f"{path}/solve", STAFF_POST, {"version": "1"}, state=status),
        Row("rounds.cancel", "POST", f"{path}/cancel", STAFF_POST, {}, state=status),
        Row(
            "rounds.publish",
            "POST",
            f"{path}/publish",
            STAFF_POST,
            {"version": "1"},
            state=status,
        ),
    ]
# Routes whose answers depend on the state of their object: each needs a row per state, taken
# from the model's own list, so a new state fails the suite until its rows are written.
STATEFUL: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        (
            "profiles.organisation_detail",
            "profiles.organisation_edit",
            "api.get_organisation",
            "coordination.decide",
            "coordination.invite",
        ),
        VERIFICATION_STATUSES,
    ),
    **{
        endpoint.format(noun=noun): statuses
        for noun, statuses in (("need", NEED_STATUSES), ("offer", OFFER_STATUSES))
        for endpoint in (
            "profiles.{noun}_detail",
            "profiles.{noun}_edit",
            "profiles.{noun}_status",
            "api.get_{noun}",
            "api.patch_{noun}",
        )
    },
    **dict.fromkeys(
        ("matching.need_matches", "api.need_matches", "exchanges.new", "api.create_exchange"),
        NEED_STATUSES,
    ),
    **dict.fromkeys(
        (
            "exchanges.detail",
            "exchanges.transition",
            "exchanges.evaluate",
            "api.get_exchange",
            "api.transition_exchange",
            "api.evaluate_exchange",
            "public.exchange",
        ),
        EXCHANGE_STATES,
    ),
    **dict.fromkeys(
        (
            "rounds.detail",
            "rounds.progress",
            "rounds.edit",
            "rounds.add_rule",
            "rounds.set_capacity",
            "rounds.remove_rule",
            "rounds.lock",
            "rounds.swap",
            "rounds.solve",
            "rounds.cancel",
            "rounds.publish",
        ),
        ROUND_STATUSES,
    ),
}
# a URL that names one of these objects names a state-dependent route
STATEFUL_ARGUMENTS = {"organisation_id", "entry_id", "need_id", "exchange_id", "round_id"}


# The world is built once per process and its rows kept; each test loads them into its own
# fresh database (thousands of cells: building it each time would take most of the run).
_WORLD: dict[str, Any] = {}


@pytest.fixture
def world(make_organisation, make_user, make_need, make_offer) -> dict[str, Any]:
    """An object in every state of each state-dependent kind, under its placeholder."""
    if not _WORLD:
        built = _build_world(make_organisation, make_user, make_need, make_offer)
        _WORLD.update(
            rows=_rows(), ids=built["ids"], users={k: u.id for k, u in built["users"].items()}
        )
    else:
        _load(_WORLD["rows"])
    users = {key: db.session.get(User, user_id) for key, user_id in _WORLD["users"].items()}
    return {"ids": _WORLD["ids"], "users": users}


def _world_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in REFERENCE_TABLES]


def _rows() -> dict[str, list[dict[str, Any]]]:
    return {
        table.name: [dict(row) for row in db.session.execute(select(table)).mappings()]
        for table in _world_tables()
    }


def _load(rows: dict[str, list[dict[str, Any]]]) -> None:
    """Insert the kept rows (parents first); on PostgreSQL move the id sequences past them."""
    for table in _world_tables():
        if rows[table.name]:
            db.session.execute(insert(table), rows[table.name])
    if db.engine.dialect.name == "postgresql":
        for table in _world_tables():
            if "id" in table.c and rows[table.name]:
                db.session.execute(
                    text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :n)"),
                    {"t": table.name, "n": max(row["id"] for row in rows[table.name])},
                )
    db.session.commit()


def _build_world(make_organisation, make_user, make_need, make_offer) -> dict[str, Any]:
    ids: dict[str, int] = {}
    users: dict[str, User] = {}
    for status in VERIFICATION_STATUSES:
        organisation = make_organisation(f"Organisation {status}", "ZMB")
        organisation.verification_status = status
        users[f"member_{status}"] = make_user(organisation)
        ids[f"org_{status}"] = organisation.id
    owner = users["owner"] = users["member_verified"]  # of organisation A
    org = owner.organisation
    users.update(
        other=make_user(make_organisation("Organisation B", "KEN")),
        coordinator=make_user(role="coordinator"),
        admin=make_user(role="admin"),
    )
    issue_api_token(owner, "owner's", 30)
    db.session.commit()
    ids["token"] = owner.api_tokens[0].id
    for noun, make, statuses in (
        ("need", make_need, NEED_STATUSES),
        ("offer", make_offer, OFFER_STATUSES),
    ):
        for status in statuses:
            ids[f"{noun}_{status}"] = make(org, status=status, title=f"A {status} {noun}").id
    exchanged = make_need(org, title="A need with exchanges").id
    provider = make_organisation("Provider C", "BRA")
    ids["provider"] = provider.id
    consents = {"draft": "pending", "proposed": "pending", "declined": "declined"}
    for state in EXCHANGE_STATES:
        exchange = Exchange(
            need_id=exchanged,
            title=f"Exchange {state}",
            state=state,
            year=2019,
            modality="study_visit",
            providers=[
                ExchangeProvider(organisation=provider, consent=consents.get(state, "accepted"))
            ],
        )
        if state in ("evaluated", "closed"):  # both sides' evaluations are in
            exchange.evaluations = [
                Evaluation(
                    organisation=side_of,
                    side=side,
                    usefulness=4,
                    principles=dict.fromkeys(PRINCIPLES, 4),
                )
                for side_of, side in ((org, "requester"), (provider, "provider"))
            ]
        db.session.add(exchange)
        db.session.flush()
        ids[f"exchange_{state}"] = exchange.id
    for status in ROUND_STATUSES:
        round_ = Round(
            name=f"Round {status}",
            status=status,
            needs=[RoundNeed(need_id=ids["need_published"], candidates=[])],
        )
        if status == "solving":  # a live solve holds the round
            round_.solves = [RoundSolve(round_version=1, previous_status="draft", total=1)]
        elif status == "solved":
            round_.slate = [
                RoundPartner(need_id=ids["need_published"], organisation=provider, score=0.5)
            ]
        elif status == "published":  # it proposed an exchange for the need it served
            round_.needs.append(
                RoundNeed(need_id=exchanged, candidates=[], exchange_id=ids["exchange_proposed"])
            )
            round_.slate = [RoundPartner(need_id=exchanged, organisation=provider, score=0.5)]
        db.session.add(round_)
        db.session.flush()
        ids[f"round_{status}"] = round_.id
    db.session.commit()
    return {"ids": ids, "users": users}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method} {r.path}")
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_access(app, client, world, row: Row, role_index: int) -> None:
    role = ROLES[role_index]
    path = row.path.format(**world["ids"])
    headers = {}
    if role != "anonymous":
        user = world["users"][row.owner if role == "owner" else role]
        if path.startswith("/api/"):
            headers["Authorization"] = f"Bearer {issue_api_token(user, 'matrix', 1)}"
            db.session.commit()
        else:
            _signed_in(client, user)
    kwargs: dict[str, Any] = {"headers": headers}
    if row.body is not None:
        kwargs["json" if path.startswith("/api/") else "data"] = _filled(row.body, world["ids"])
    response = client.open(path, method=row.method, **kwargs)
    assert response.status_code == row.expected[role_index], response.get_data(as_text=True)[:500]


def _signed_in(client, user: User) -> None:
    """The session cookie a sign-in gives (sign-in itself is tested in tests/auth), without
    its deliberately slow password check."""
    now = int(time.time())
    with client.session_transaction() as session:
        session.update({"_user_id": user.get_id(), "_fresh": True, SIGNED_IN_AT: now, SEEN_AT: now})


def _filled(body: Any, ids: dict[str, int]) -> Any:
    """Put the world's ids into a request body ("{provider}" becomes the provider's id)."""
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


def test_every_state_of_a_stateful_route_has_a_row(app):
    named = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.arguments & STATEFUL_ARGUMENTS
    }
    assert named - set(STATEFUL) == set(), "routes on a stateful object missing from STATEFUL"
    missing = {
        endpoint: sorted(set(states) - {row.state for row in ROWS if row.endpoint == endpoint})
        for endpoint, states in STATEFUL.items()
    }
    assert {endpoint: states for endpoint, states in missing.items() if states} == {}
    stray = [
        row
        for row in ROWS
        if (row.endpoint in STATEFUL) != (row.state in STATEFUL.get(row.endpoint, ()))
    ]
    assert stray == [], "rows without their object's state, or in a state the model lacks"


# Fields only the service sets: who owns a record, its workflow state and version, roles.
NOT_THE_CALLERS = {
    "organisation_id": "{org_unverified}",
    "owner": 1,
    "role": "admin",
    "state": "approved",
    "version": 7,
}


@pytest.mark.parametrize(
    ("method", "path", "body", "model"),
    [
        ("POST", "/api/v1/needs", NEED, Need),
        ("POST", "/api/v1/offers", OFFER, Offer),
        ("PATCH", "/api/v1/needs/{need_draft}", {"title": "Renamed"}, Need),
        ("PATCH", "/api/v1/offers/{offer_published}", {"title": "Renamed"}, Offer),
        ("POST", "/api/v1/exchanges", {**PROPOSAL, "need_id": "{need_published}"}, Exchange),
        ("POST", "/api/v1/exchanges/{exchange_completed}/evaluations", EVALUATION, Evaluation),
    ],
)
def test_fields_only_the_service_sets_are_refused_by_name(
    client, world, api_token, method: str, path: str, body: dict[str, Any], model: type[Any]
) -> None:
    before = _table(model)
    response = client.open(
        path.format(**world["ids"]),
        method=method,
        headers=api_token(world["users"]["owner"]),
        json=_filled({**body, **NOT_THE_CALLERS}, world["ids"]),
    )
    assert response.status_code == 422, response.get_json()
    assert set(NOT_THE_CALLERS) <= set(response.get_json()["errors"])
    assert _table(model) == before


def test_a_transition_ignores_fields_only_the_workflow_sets(client, world, api_token) -> None:
    exchange_id = world["ids"]["exchange_draft"]
    response = client.post(
        f"/api/v1/exchanges/{exchange_id}/transitions",
        headers=api_token(world["users"]["owner"]),
        json=_filled({**NOT_THE_CALLERS, "action": "propose", "version": 1}, world["ids"]),
    )
    assert response.status_code == 200, response.get_json()
    exchange = db.session.get(Exchange, exchange_id)
    assert (exchange.state, exchange.version) == ("proposed", 2)
    assert exchange.need.organisation_id == world["ids"]["org_verified"]


def test_a_new_organisation_ignores_its_verification_and_members(client, world, api_token) -> None:
    response = client.post(
        "/api/v1/organisations",
        headers=api_token(world["users"]["coordinator"]),
        json=_filled({**ORG, **NOT_THE_CALLERS, "verification_status": "rejected"}, world["ids"]),
    )
    assert response.status_code == 201, response.get_json()
    organisation = db.session.get(Organisation, response.get_json()["id"])
    assert organisation.verification_status == "verified"  # coordinators vouch for theirs
    assert organisation.members == []


def test_a_member_cannot_verify_their_own_organisation_by_editing_it(client, world) -> None:
    member = world["users"]["member_unverified"]
    client.post("/login", data={"email": member.email, "password": PASSWORD})
    organisation_id = world["ids"]["org_unverified"]
    response = client.post(
        f"/organisations/{organisation_id}/edit",
        data={**PROFILE, "verification_status": "verified", "verified_at": "2020-01-01"},
    )
    assert response.status_code == 302
    organisation = db.session.get(Organisation, organisation_id)
    assert (organisation.verification_status, organisation.verified_at) == ("unverified", None)
    assert organisation.description == PROFILE["description"]  # the edit itself went through


def _table(model: type[Any]) -> list[Any]:
    return list(db.session.execute(select(model.__table__).order_by(*model.__table__.primary_key)))
