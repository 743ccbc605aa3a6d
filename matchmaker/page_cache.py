"""Public pages served from memory to anonymous visitors, in front of the app (WSGI).

The home page, the directory, the need, offer and organisation pages and the public dashboard
read the same for every anonymous visitor in a language, and take 5 to 40 ms to render; from
memory they take about 0.2 ms, as a bare Flask endpoint does (benchmarks/load.py).

- Served from the cache: a GET without credentials (no Authorization header, no cookie but the
  language choice) of a page whose view is marked ``@public_page``; the key is the address and
  the reader's language. Stored: such a page answered 200, in memory, setting no cookie.
- Kept true: while a page renders, the tables its SQL reads are noted (a statement whose tables
  cannot be told, raw SQL, makes it uncacheable). Once a transaction that wrote a table
  commits, the pages that read it leave every cache of this process, and a page whose render
  overlapped that commit is not stored (``matchmaker.data_changes``). Another process's writes
  show when the page expires, ``PAGE_CACHE_SECONDS`` after it was rendered (0: no cache).
- Bounded: ``PAGE_CACHE_MEGABYTES`` of pages, the least recently read leave first.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from flask import Flask, request
from werkzeug.http import parse_cookie

from matchmaker import data_changes
from matchmaker.data_changes import EVERYTHING
from matchmaker.i18n import COOKIE as LANGUAGE_COOKIE
from matchmaker.i18n import language_for
from matchmaker.logging_setup import REQUEST_ID_HEADER, access_log, request_id_from

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CACHEABLE = "matchmaker.page_cache"  # environ flag: the view allows its page to be stored
CACHE_HEADER = "X-Cache"  # "hit" on a page served from memory
MAX_PAGE_SHARE = 8  # no single page takes more than this share of the budget
F = TypeVar("F", bound=Callable[..., Any])


def public_page(view: F) -> F:
    """Mark a view whose page may be stored for anonymous visitors (it must read the same for
    all of them: nothing of the visitor but the address and the language)."""

    @wraps(view)
    def marked(*args: Any, **kwargs: Any) -> Any:
        request.environ[CACHEABLE] = True
        return view(*args, **kwargs)

    return marked  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Page:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    tables: frozenset[str]
    expires: float


Key = tuple[str, ...]


class PageCache:
    """The WSGI middleware: one per app, shared by the process's threads."""

    def __init__(
        self,
        app: WSGIApplication,
        *,
        seconds: float,
        max_bytes: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._app = app
        self._seconds = seconds
        self._max_bytes = max_bytes
        self._clock = clock
        self._pages: OrderedDict[Key, Page] = OrderedDict()
        self._bytes = 0
        self._forgotten: dict[str, int] = {}  # table -> generation of its last invalidation
        self._rendering: set[Key] = set()  # expired pages being rendered again
        self._lock = threading.Lock()
        data_changes.watch(self)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        key = _key(environ)
        if key is None:
            return self._app(environ, start_response)
        started = time.perf_counter()
        page = self._lookup(key)
        if page is None:
            try:
                return self._render(key, environ, start_response)
            finally:
                self._rendered(key)
        request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID", ""))
        start_response(
            page.status, [*page.headers, (REQUEST_ID_HEADER, request_id), (CACHE_HEADER, "hit")]
        )
        access_log.info(
            "GET %s %s %.1fms user=- cache=hit",
            environ.get("PATH_INFO", ""),
            page.status[:3],
            (time.perf_counter() - started) * 1000,
            extra={"request_id": request_id},
        )
        return [page.body]

    def __len__(self) -> int:
        return len(self._pages)

    def forget(self, tables: set[str]) -> None:
        """Drop the pages that read any of these tables (EVERYTHING: all pages)."""
        generation = data_changes.generation()
        with self._lock:
            for table in tables:
                self._forgotten[table] = generation
            everything = EVERYTHING in tables
            for key in [k for k, p in self._pages.items() if everything or p.tables & tables]:
                self._drop(key)

    def _lookup(self, key: Key) -> Page | None:
        """The stored page, or None when this thread is to render it. Once a page expires,
        one thread renders it again while the others are still served the old one: a busy
        page expiring is rendered once, not by every thread that asks meanwhile."""
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if page.expires <= self._clock():
                if key in self._rendering:
                    return page
                self._rendering.add(key)
                return None
            self._pages.move_to_end(key)
            return page

    def _render(
        self, key: Key, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        generation = data_changes.generation()
        answer: dict[str, Any] = {}

        def remember(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        with data_changes.reads() as tables:
            body = self._app(environ, remember)
        headers = answer.get("headers") or []
        size = _content_length(headers)
        if not (
            environ.get(CACHEABLE)
            and answer.get("status", "").startswith("200 ")
            and EVERYTHING not in tables
            and size is not None
            and size * MAX_PAGE_SHARE <= self._max_bytes
            and not any(name.lower() == "set-cookie" for name, _ in headers)
        ):
            return body
        try:
            content = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        kept = [(name, value) for name, value in headers if name != REQUEST_ID_HEADER]
        page = Page(
            answer["status"], kept, content, frozenset(tables), self._clock() + self._seconds
        )
        self._store(key, page, generation)
        return [content]

    def _store(self, key: Key, page: Page, generation: int) -> None:
        with self._lock:
            if any(self._forgotten.get(t, 0) > generation for t in (*page.tables, EVERYTHING)):
                return  # written while it rendered: it may show the data before the write
            if key in self._pages:
                self._drop(key)
            self._pages[key] = page
            self._bytes += len(page.body)
            while self._bytes > self._max_bytes:
                self._drop(next(iter(self._pages)))

    def _rendered(self, key: Key) -> None:
        """An expired page that its new render did not replace leaves (it is not served
        any longer than a render takes)."""
        with self._lock:
            self._rendering.discard(key)
            page = self._pages.get(key)
            if page is not None and page.expires <= self._clock():
                self._drop(key)

    def _drop(self, key: Key) -> None:
        self._bytes -= len(self._pages.pop(key).body)


def _key(environ: WSGIEnvironment) -> Key | None:
    """The page's key, or None when this request may not be served from the cache."""
    if environ.get("REQUEST_METHOD") != "GET" or "HTTP_AUTHORIZATION" in environ:
        return None
    chosen = None
    if environ.get("HTTP_COOKIE"):
        cookies = parse_cookie(environ["HTTP_COOKIE"])
        if set(cookies) - {LANGUAGE_COOKIE}:
            return None  # a session (signed in, or a form's token, or a message to show)
        chosen = cookies.get(LANGUAGE_COOKIE)
    return (
        environ.get("wsgi.url_scheme", "http"),
        environ.get("HTTP_HOST", ""),
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        language_for(chosen, environ.get("HTTP_ACCEPT_LANGUAGE")),
    )


def _content_length(headers: list[tuple[str, str]]) -> int | None:
    """A body's size, known only when it is complete (a streamed one has none)."""
    for name, value in headers:
        if name.lower() == "content-length":
            return int(value) if value.isdigit() else None
    return None


def init_app(app: Flask) -> None:
    seconds = app.config["PAGE_CACHE_SECONDS"]
    if seconds > 0:
        app.wsgi_app = PageCache(  # type: ignore[method-assign]
            app.wsgi_app, seconds=seconds, max_bytes=app.config["PAGE_CACHE_MEGABYTES"] << 20
        )
