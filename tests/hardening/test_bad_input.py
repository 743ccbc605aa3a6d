"""Hostile and unusual input: any Unicode round-trips, oversize input is refused with a message
naming the field, script-injection payloads come back escaped on every page, CSV uploads are
limited in size and type."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from matchmaker.coordination import csv_import
from matchmaker.exchanges.evaluations import PRINCIPLES
from matchmaker.extensions import db
from models import Exchange, Need, Organisation, User
from tests.factories import PASSWORD

ARABIC = "وزارة العمل والتدريب المهني: تنمية مهارات الشباب"
UNICODE = f"{ARABIC} · 職業訓練 · Ñandú çağrı ğüş · 👩🏽‍🔧 · עברית · 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><svg onload=alert(1)>",
    "' onmouseover='alert(1)' x='",
    "{{7*7}} {% print 7*7 %} ${7*7}",
    "<a href=\"javascript:alert(1)\">x</a>",
]


def browser(app, user: User | None = None):
    """A separate signed-in (or anonymous) client, so several people can act in one test."""
    client = app.test_client()
    if user is not None:
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
    return client


def api(client, method: str, path: str, headers: dict[str, str], body: dict[str, Any]):
    return client.open(path, method=method, json=body, headers=headers)


@pytest.fixture
def world(app, client, make_organisation, make_user, api_token) -> dict[str, Any]:
    """Also takes `client`, which makes every test client send CSRF tokens."""
    requester = make_organisation("Ministry of Labour", "ZMB")
    provider = make_organisation("National Employment Authority", "KEN")
    people = {
        "requester": make_user(requester),
        "provider": make_user(provider),
        "coordinator": make_user(role="coordinator"),
    }
    return {
        "requester": requester,
        "provider": provider,
        "people": people,
        "headers": {name: api_token(user) for name, user in people.items()},
    }


def _fill_every_field(app, world, mark) -> dict[str, Any]:
    """Send `mark(field)` through every free-text field of every form and API body."""
    client = browser(app)
    headers, people = world["headers"], world["people"]
    requester = browser(app, people["requester"])
    response = requester.post(
        f"/organisations/{world['requester'].id}/edit",
        data={"description": mark("org.description"), "working_languages": "en"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    offer = api(client, "POST", "/api/v1/offers", headers["provider"], {
        "title": f"Employment services {mark('offer.title')}",
        "description": f"Public employment services for youth {mark('offer.description')}",
        "evidence": mark("offer.evidence"),
        "source": mark("offer.source"),
        "themes": ["employment_policy"],
        "status": "published",
    })
    assert offer.status_code == 201, offer.get_json()
    need = api(client, "POST", "/api/v1/needs", headers["requester"], {
        "title": f"Employment services {mark('need.title')}",
        "description": f"Public employment services for youth {mark('need.description')}",
        "source": mark("need.source"),
        "themes": ["employment_policy"],
        "status": "published",
    })
    assert need.status_code == 201, need.get_json()
    need_id = need.get_json()["id"]
    exchange = api(client, "POST", "/api/v1/exchanges", headers["requester"], {
        "need_id": need_id,
        "provider_organisation_ids": [world["provider"].id],
        "modality": "study_visit",
        "title": mark("exchange.title"),
        "objectives": mark("exchange.objectives"),
        "expected_results": mark("exchange.expected_results"),
    })
    assert exchange.status_code == 201, exchange.get_json()
    exchange_id = exchange.get_json()["id"]
    proposed = api(client, "POST", f"/api/v1/exchanges/{exchange_id}/transitions",
                   headers["requester"],
                   {"action": "propose", "version": 1, "comment": mark("transition.comment")})
    assert proposed.status_code == 200, proposed.get_json()
    db.session.get(Exchange, exchange_id).state = "completed"  # the workflow is tested elsewhere
    db.session.commit()
    evaluation = api(client, "POST", f"/api/v1/exchanges/{exchange_id}/evaluations",
                     headers["requester"], {
                         "usefulness": 4,
                         "principles": dict.fromkeys(PRINCIPLES, 4),
                         "results_achieved": mark("evaluation.results_achieved"),
                         "will_apply": mark("evaluation.will_apply"),
                     })
    assert evaluation.status_code == 201, evaluation.get_json()
    registered = client.post("/register", data={
        "display_name": mark("register.display_name"),
        "email": "newcomer@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "name": mark("register.name"),
        "country": "SEN",
        "constituent_type": "workers",
        "working_languages": "fr",
        "description": mark("register.description"),
        "evidence": mark("register.evidence"),
    })
    assert registered.status_code == 302, registered.get_data(as_text=True)
    coordinator = browser(app, people["coordinator"])
    cells = [mark("csv.name"), "GHA", "employers", "en", mark("csv.description")]
    csv_text = "name,country,constituent_type,working_languages,description\n" + ",".join(
        '"' + cell.replace('"', '""') + '"' for cell in cells
    ) + "\n"
    preview = coordinator.post("/coordination/import", data={
        "kind": "organisations", "action": "preview",
        "file": (io.BytesIO(csv_text.encode()), "orgs.csv"),
    }, content_type="multipart/form-data")
    imported = coordinator.post("/coordination/import", data={
        "kind": "organisations", "action": "import", "csv_text": csv_text,
    })
    assert "Imported 1 organisations" in imported.get_data(as_text=True)
    csv_org = db.session.scalar(select(Organisation).where(Organisation.country_code == "GHA"))
    new_org = db.session.scalar(select(Organisation).where(Organisation.country_code == "SEN"))
    pages = {
        "csv preview": preview.get_data(as_text=True),
        **_pages(requester, "member", world, need_id, exchange_id, offer.get_json()["id"]),
        **_pages(coordinator, "coordinator", world, need_id, exchange_id, offer.get_json()["id"]),
        "csv organisation": coordinator.get(f"/organisations/{csv_org.id}").get_data(as_text=True),
        "registered organisation": coordinator.get(f"/organisations/{new_org.id}").get_data(
            as_text=True
        ),
    }
    anonymous = browser(app)
    for kind in ("needs", "offers"):
        pages[f"public directory {kind}"] = anonymous.get(f"/directory?kind={kind}").get_data(
            as_text=True
        )
    pages["public need"] = anonymous.get(f"/needs/{need_id}").get_data(as_text=True)
    return {"pages": pages, "need_id": need_id, "exchange_id": exchange_id}


def _pages(client, who, world, need_id, exchange_id, offer_id) -> dict[str, str]:
    paths = {
        "directory needs": "/directory?kind=needs",
        "directory offers": "/directory?kind=offers",
        "profile": f"/organisations/{world['requester'].id}",
        "need": f"/needs/{need_id}",
        "need edit": f"/needs/{need_id}/edit",
        "offer": f"/offers/{offer_id}",
        "matches": f"/needs/{need_id}/matches",
        "exchange": f"/exchanges/{exchange_id}",
        "exchanges": "/exchanges",
        "dashboard": "/dashboard",
        "profile edit": f"/organisations/{world['requester'].id}/edit",
    }
    if who == "coordinator":
        paths["verification queue"] = "/coordination/verification"
        paths["coordinator inbox"] = "/coordination/inbox"
    pages = {}
    for name, path in paths.items():
        response = client.get(path)
        if response.status_code == 403:
            continue  # e.g. a coordinator does not edit a member's need
        assert response.status_code == 200, (who, path, response.status_code)
        pages[f"{who} {name}"] = response.get_data(as_text=True)
    return pages


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_payloads_come_back_escaped_on_every_page(app, world, payload):
    filled = _fill_every_field(app, world, lambda field: f"[{field}]{payload}")
    pages = filled["pages"]
    escaped = str(escape(payload))
    for name, html in pages.items():
        if escaped != payload:
            assert payload not in html, f"unescaped payload on the {name} page"
    every_page = "\n".join(pages.values())  # "{{7*7}}" shown as such: no template code ran
    fields = [
        "org.description", "offer.title", "offer.description", "offer.evidence", "offer.source",
        "need.title", "need.description", "need.source", "exchange.title",
        "exchange.objectives", "exchange.expected_results", "transition.comment",
        "evaluation.results_achieved", "evaluation.will_apply", "register.display_name",
        "register.name", "register.description", "register.evidence", "csv.name",
        "csv.description",
    ]
    unseen = [field for field in fields if f"[{field}]{escaped}" not in every_page]
    assert not unseen, f"fields shown on no page, so their escaping is untested: {unseen}"


def test_any_unicode_is_stored_and_read_back_exactly(app, world):
    filled = _fill_every_field(app, world, lambda field: f"{field} {UNICODE}")
    need = db.session.get(Need, filled["need_id"])
    assert need.title == f"Employment services need.title {UNICODE}"
    exchange = db.session.get(Exchange, filled["exchange_id"])
    assert exchange.objectives == f"exchange.objectives {UNICODE}"
    assert exchange.evaluations[0].will_apply == f"evaluation.will_apply {UNICODE}"
    newcomer = db.session.scalar(select(User).where(User.email == "newcomer@example.org"))
    assert newcomer.display_name == f"register.display_name {UNICODE}"
    assert newcomer.organisation.name == f"register.name {UNICODE}"
    imported = db.session.scalar(select(Organisation).where(Organisation.country_code == "GHA"))
    assert imported.name == f"csv.name {UNICODE}"
    assert imported.description == f"csv.description {UNICODE}"
    read_back = browser(app).get(
        f"/api/v1/needs/{need.id}", headers=world["headers"]["coordinator"]
    )
    assert read_back.get_json()["description"].endswith(UNICODE)
    page = filled["pages"]["public need"]
    assert f'<h1 dir="auto">Employment services need.title {UNICODE}</h1>' in page
    assert f'dir="auto"><p>Public employment services for youth need.description {UNICODE}' in page
    exchange_page = filled["pages"]["member exchange"]
    assert f'<dd dir="auto">exchange.objectives {UNICODE}</dd>' in exchange_page


LIMITS = [  # (path, who, body without the field, field, maximum)
    ("/api/v1/needs", "requester", {"description": "x"}, "title", 200),
    ("/api/v1/needs", "requester", {"title": "x"}, "description", 5000),
    ("/api/v1/offers", "provider", {"title": "x", "description": "y"}, "evidence", 5000),
    ("/api/v1/offers", "provider", {"title": "x", "description": "y"}, "source", 500),
]


@pytest.mark.parametrize(("path", "who", "body", "field", "maximum"), LIMITS)
def test_oversize_fields_get_422_naming_the_field(app, world, path, who, body, field, maximum):
    client = browser(app)
    headers = world["headers"][who]
    response = api(client, "POST", path, headers, {**body, field: "ب" * (maximum + 1)})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert field in problem["detail"]
    assert f"at most {maximum}" in problem["errors"][field]
    assert api(client, "POST", path, headers, {**body, field: "ب" * maximum}).status_code == 201


def test_oversize_exchange_and_evaluation_fields_are_refused(app, world, make_need):
    need = make_need(world["requester"])
    client = browser(app)
    body = {
        "need_id": need.id,
        "provider_organisation_ids": [world["provider"].id],
        "modality": "study_visit",
        "objectives": "o" * 5001,
        "funding_source": "f" * 201,
    }
    response = api(client, "POST", "/api/v1/exchanges", world["headers"]["requester"], body)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"objectives", "funding_source"}
    assert db.session.scalar(select(func.count(Exchange.id))) == 0


def test_oversize_form_fields_are_shown_next_to_the_field(app, world):
    requester = browser(app, world["people"]["requester"])
    response = requester.post(
        f"/organisations/{world['requester'].id}/edit",
        data={"description": "d" * 5001, "working_languages": "en"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Use at most 5000 characters" in body
    registered = browser(app).post("/register", data={
        "display_name": "n" * 121, "email": "someone@example.org", "password": PASSWORD,
        "confirm": PASSWORD, "name": "Union", "country": "SEN", "constituent_type": "workers",
        "working_languages": "fr",
    })
    assert registered.status_code == 200
    assert "Use at most 120 characters" in registered.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 3  # the world's people only


def test_body_over_the_upload_limit_gets_413(app, world):
    limit = app.config["MAX_CONTENT_LENGTH"]
    client = browser(app)
    big = json.dumps({"title": "x", "description": "y" * limit})
    response = client.post(
        "/api/v1/needs", data=big, content_type="application/json",
        headers=world["headers"]["requester"],
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json" and response.get_json()["detail"]
    page = browser(app, world["people"]["requester"]).post(
        f"/organisations/{world['requester'].id}/edit",
        data={"description": "y" * limit, "working_languages": "en"},
    )
    assert page.status_code == 413 and "too large" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Need.id))) == 0


@pytest.mark.parametrize(
    "website",
    ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>",
     "vbscript:msgbox(1)", "//evil.example", "https:alert(1)", "file:///etc/passwd"],
)
def test_non_web_addresses_are_refused_as_website(app, world, website):
    client = browser(app)
    response = api(client, "POST", "/api/v1/organisations", world["headers"]["coordinator"], {
        "name": "Union", "country": "SEN", "constituent_type": "workers",
        "working_languages": ["fr"], "website": website,
    })
    assert response.status_code == 422, response.get_json()
    assert "website" in response.get_json()["errors"]
    page = browser(app, world["people"]["requester"]).post(
        f"/organisations/{world['requester'].id}/edit",
        data={"website": website, "working_languages": "en"},
    )
    assert page.status_code == 200 and "starting with https://" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, world["requester"].id).website is None


def _upload(client, data: bytes, name: str = "rows.csv", content_type: str = "text/csv"):
    return client.post(
        "/coordination/import",
        data={"kind": "organisations", "action": "import",
              "file": (io.BytesIO(data), name, content_type)},
        content_type="multipart/form-data",
    )


GOOD_ROW = "Union,SEN,workers,fr\n"
HEADER = "name,country,constituent_type,working_languages\n"


@pytest.mark.parametrize(
    ("data", "name", "content_type", "message"),
    [
        ((HEADER + GOOD_ROW).encode(), "rows.xlsx", "text/csv", "Upload a .csv file"),
        ((HEADER + GOOD_ROW).encode(), "rows.csv", "image/png", "not as CSV text"),
        ((HEADER + GOOD_ROW).encode(), "rows.csv", "application/pdf", "not as CSV text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "rows.csv", "text/csv", "not UTF-8"),
        (HEADER.encode() + b"Uni\x00on,SEN,workers,fr\n", "rows.csv", "text/csv", "binary data"),
        ((HEADER + "x" * 140_000 + ",SEN,workers,fr\n").encode(), "rows.csv", "text/csv",
         "Use at most 200 characters (you used 140000)"),
        ((HEADER + '"Union,SEN,workers,fr\n' + GOOD_ROW).encode(), "rows.csv", "text/csv",
         "<strong>country</strong>: This field is required"),  # an unclosed quote eats the rest
    ],
)
def test_csv_uploads_of_the_wrong_type_get_a_clear_error_and_write_nothing(
    app, world, data, name, content_type, message
):
    coordinator = browser(app, world["people"]["coordinator"])
    response = _upload(coordinator, data, name, content_type)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Organisation.id))) == 2


def test_csv_the_parser_refuses_gets_a_message_not_a_500(app, world):
    coordinator = browser(app, world["people"]["coordinator"])
    limit = csv.field_size_limit(1000)  # the parser's own cap on a cell, made small here
    try:
        response = _upload(coordinator, (HEADER + "x" * 1001 + ",SEN,workers,fr\n").encode())
    finally:
        csv.field_size_limit(limit)
    assert response.status_code == 200
    assert "not well-formed CSV" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Organisation.id))) == 2


def test_csv_with_too_many_rows_or_bytes_writes_nothing(app, world, monkeypatch):
    coordinator = browser(app, world["people"]["coordinator"])
    monkeypatch.setattr(csv_import, "MAX_ROWS", 3)
    rows = "".join(f"Union {n},SEN,workers,fr\n" for n in range(4))
    response = _upload(coordinator, (HEADER + rows).encode())
    assert "At most 3 rows per file" in response.get_data(as_text=True)
    limit = app.config["MAX_CONTENT_LENGTH"]
    oversize = HEADER + GOOD_ROW * (limit // len(GOOD_ROW) + 1)
    assert _upload(coordinator, oversize.encode()).status_code == 413
    assert db.session.scalar(select(func.count(Organisation.id))) == 2
    accepted = _upload(coordinator, (HEADER + rows.split("\n", 1)[1]).encode())
    assert "Imported 3 organisations" in accepted.get_data(as_text=True)
