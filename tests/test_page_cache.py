"""The page cache: anonymous visitors get stored public pages, never stale after a commit here,
never anyone's personal page; what it keeps is bounded in time and memory."""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from matchmaker import create_app, data_changes
from matchmaker.extensions import db
from matchmaker.page_cache import CACHE_HEADER, CACHEABLE, PageCache
from models import Need, Notification, OutboxMessage


def _hit(response) -> bool:
    return response.headers.get(CACHE_HEADER) == "hit"


@pytest.fixture
def need(make_organisation, make_need) -> Need:
    return make_need(make_organisation("Ministry of Labour", "ZMB"), title="Skills for jobs")


def test_an_anonymous_page_is_stored_and_served_with_fresh_headers(client, need):
    first = client.get(f"/needs/{need.id}")
    second = client.get(f"/needs/{need.id}")
    assert first.status_code == second.status_code == 200
    assert not _hit(first) and _hit(second)
    assert second.data == first.data and "Skills for jobs" in second.get_data(as_text=True)
    assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"):
        assert second.headers[name] == first.headers[name]
    given = client.get(f"/needs/{need.id}", headers={"X-Request-ID": "proxy-id-12345"})
    assert _hit(given) and given.headers["X-Request-ID"] == "proxy-id-12345"


def test_each_language_has_its_own_page(client, need):
    client.get("/directory?kind=needs", headers={"Accept-Language": "fr"})
    french = client.get("/directory?kind=needs", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    english = client.get("/directory?kind=needs", headers={"Accept-Language": "en"})
    assert _hit(french) and not _hit(english)
    assert '<html lang="fr"' in french.get_data(as_text=True)
    assert '<html lang="en"' in english.get_data(as_text=True)
    client.set_cookie("lang", "es")  # the switcher's choice: the only cookie allowed
    spanish = client.get("/directory?kind=needs", headers={"Accept-Language": "fr"})
    assert not _hit(spanish) and '<html lang="es"' in spanish.get_data(as_text=True)


def test_signed_in_visitors_and_api_callers_never_get_a_stored_page(
    client, need, make_user, sign_in, api_token
):
    client.get("/directory?kind=needs")
    assert _hit(client.get("/directory?kind=needs"))
    bearer = api_token(make_user(role="coordinator"))
    assert not _hit(client.get("/directory?kind=needs", headers=bearer))
    sign_in(make_user(need.organisation))
    page = client.get("/directory?kind=needs")
    assert page.status_code == 200 and not _hit(page)
    assert "Sign out" in page.get_data(as_text=True)  # the member's own page, not the stored one


def test_a_commit_that_writes_a_table_the_page_read_drops_it(client, need):
    client.get(f"/needs/{need.id}")
    assert _hit(client.get(f"/needs/{need.id}"))
    db.session.get(Need, need.id).title = "Skills for decent jobs"
    db.session.commit()
    page = client.get(f"/needs/{need.id}")
    assert not _hit(page) and "Skills for decent jobs" in page.get_data(as_text=True)


def test_writes_elsewhere_and_rolled_back_writes_keep_the_page(client, need, make_user):
    """What proposing exchanges writes (notifications, the outbox) never empties the pages."""
    client.get(f"/needs/{need.id}")
    client.get("/directory?kind=needs")
    user = make_user(need.organisation)  # commits users: the pages never read them
    db.session.add(Notification(user_id=user.id, message="Hello"))
    db.session.add(OutboxMessage(recipient="a@example.org", subject="s", body="b"))
    db.session.commit()
    db.session.get(Need, need.id).title = "Never saved"
    db.session.flush()
    db.session.rollback()
    page = client.get(f"/needs/{need.id}")
    assert _hit(page) and "Skills for jobs" in page.get_data(as_text=True)
    assert _hit(client.get("/directory?kind=needs"))


def test_raw_sql_that_writes_drops_every_page(client, need):
    client.get(f"/needs/{need.id}")
    client.get("/")
    db.session.execute(text("UPDATE outbox SET attempts = attempts WHERE 1 = 0"))
    db.session.commit()
    assert not _hit(client.get(f"/needs/{need.id}")) and not _hit(client.get("/"))


def test_pages_not_marked_public_or_not_found_are_never_stored(client, need, make_need):
    draft = make_need(need.organisation, status="draft", title="Draft")
    for path in ("/login", f"/needs/{draft.id}", "/needs/999999", "/public/exports/offers.csv"):
        client.get(path)
        assert not _hit(client.get(path)), path
    assert client.head(f"/needs/{need.id}").status_code == 200
    assert not _hit(client.head(f"/needs/{need.id}"))


# The middleware alone, around small WSGI apps: expiry, overlap with a commit, cookies, budget.

Clock = list[float]


def _wsgi(body: bytes, *, read: bool = True, headers: Iterable[tuple[str, str]] = (), during=None):
    """A cacheable page that reads the needs table (or reads nothing it can name)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        environ[CACHEABLE] = True
        db.session.execute(select(Need.id) if read else text("SELECT 1")).all()
        db.session.rollback()
        if during is not None:
            during()
        start_response(
            "200 OK", [("Content-Length", str(len(body))), *headers, ("X-Request-ID", "x" * 8)]
        )
        return [body]

    return app


def _get(cache: PageCache, path: str = "/page") -> tuple[bytes, bool]:
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info=None) -> None:
        answer["headers"] = dict(headers)

    body = b"".join(cache({"REQUEST_METHOD": "GET", "PATH_INFO": path}, start_response))
    return body, answer["headers"].get(CACHE_HEADER) == "hit"


def _cache(app: Any, clock: Clock, max_bytes: int = 1 << 20) -> PageCache:
    return PageCache(app, seconds=10, max_bytes=max_bytes, clock=lambda: clock[0])


def test_a_page_expires_after_its_seconds(app: Flask):
    clock: Clock = [100.0]
    cache = _cache(_wsgi(b"page"), clock)
    assert _get(cache) == (b"page", False)
    clock[0] = 109.9
    assert _get(cache) == (b"page", True)
    clock[0] = 110.0
    assert _get(cache) == (b"page", False)


def test_an_expired_page_is_rendered_by_one_thread_while_others_get_the_old_one(app: Flask):
    clock: Clock = [0.0]
    bodies = iter([b"v1", b"v2"])
    meanwhile: list[tuple[bytes, bool]] = []

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        body = next(bodies)
        if body == b"v2":  # another request for the page arrives while it renders again
            meanwhile.append(_get(cache))
        return _wsgi(body)(environ, start_response)

    cache = _cache(wsgi, clock)
    assert _get(cache) == (b"v1", False)
    clock[0] = 10.0
    assert _get(cache) == (b"v2", False)
    assert meanwhile == [(b"v1", True)]
    assert _get(cache) == (b"v2", True)


def test_an_expired_page_whose_new_render_is_not_stored_is_not_served_again(app: Flask):
    clock: Clock = [0.0]
    answers = iter([("200 OK", b"old"), ("404 NOT FOUND", b"gone"), ("404 NOT FOUND", b"gone")])

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        status, body = next(answers)
        environ[CACHEABLE] = True
        start_response(status, [("Content-Length", str(len(body)))])
        return [body]

    cache = _cache(wsgi, clock)
    assert _get(cache) == (b"old", False)
    clock[0] = 10.0
    assert _get(cache) == (b"gone", False)
    assert len(cache) == 0
    assert _get(cache) == (b"gone", False)


def test_a_page_whose_render_overlapped_a_commit_is_not_stored(app: Flask):
    clock: Clock = [0.0]
    cache = _cache(_wsgi(b"old", during=lambda: data_changes.changed({"needs"})), clock)
    _get(cache)
    assert len(cache) == 0
    other = _cache(_wsgi(b"fine", during=lambda: data_changes.changed({"outbox"})), clock)
    _get(other)
    assert _get(other) == (b"fine", True)


def test_pages_setting_cookies_or_reading_unknown_tables_are_not_stored(app: Flask):
    clock: Clock = [0.0]
    for wsgi in (_wsgi(b"a", headers=[("Set-Cookie", "session=1")]), _wsgi(b"b", read=False)):
        cache = _cache(wsgi, clock)
        _get(cache)
        assert len(cache) == 0


def test_the_memory_budget_evicts_the_least_recently_read(app: Flask):
    clock: Clock = [0.0]
    cache = _cache(_wsgi(b"x" * 100), clock, max_bytes=1000)  # a page may take 1/8: 125 bytes
    for n in range(10):
        _get(cache, f"/{n}")
    assert len(cache) == 10
    _get(cache, "/0")  # read again: now the most recent
    _get(cache, "/10")
    assert len(cache) == 10
    assert _get(cache, "/0")[1] and not _get(cache, "/1")[1]
    too_big = _cache(_wsgi(b"x" * 200), clock, max_bytes=1000)
    _get(too_big)
    assert len(too_big) == 0


def test_the_cache_is_on_by_default_and_can_be_turned_off(app: Flask, database_url):
    assert isinstance(app.wsgi_app, PageCache)
    off = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PAGE_CACHE_SECONDS": 0})
    assert isinstance(off.wsgi_app, types.MethodType)  # Flask's own, nothing in front


def test_a_lost_connection_rolls_back_quietly(app: Flask):
    """The database gone mid-transaction: the rollback that follows must not fail on the
    notes of what it wrote (the 503 page depends on it)."""
    with db.engine.connect() as connection:
        connection.execute(text("UPDATE outbox SET attempts = attempts WHERE 1 = 0"))
        connection.invalidate()
        connection.rollback()
        assert connection.invalidated
