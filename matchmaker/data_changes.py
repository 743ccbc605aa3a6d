"""Which tables each SQL statement reads and writes, and who to tell when a commit changed some.

Caches of this process (the page cache, the memos of ``matchmaker.memo``) keep values computed
from a few tables; they ``watch`` here and are told, right after a transaction commits, which
tables it wrote, so they drop what those tables fed. A statement whose tables cannot be told
(raw SQL) counts as one on EVERYTHING. Other processes' commits are not seen here: each cache
bounds its values' age for them.

``generation()`` orders computations and commits: a value whose computation began before a
commit that wrote one of its tables may hold the data before that commit, and is not kept.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExecutionContext
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool
from sqlalchemy.sql import visitors
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.selectable import TableClause

EVERYTHING = "*"  # a table name that stands for any table
SESSION_WRITES = "matchmaker.data_changes.session_writes"
CONNECTION_WRITES = "matchmaker.data_changes.connection_writes"
RAW_WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "TRUNCATE", "REPLACE")


class Watcher(Protocol):
    def forget(self, tables: set[str]) -> None: ...


_watchers: weakref.WeakSet[Watcher] = weakref.WeakSet()
_reads: ContextVar[set[str] | None] = ContextVar("data_changes_reads", default=None)
_generations = itertools.count(1)  # next() is atomic


def watch(watcher: Watcher) -> None:
    """Tell `watcher` of every commit's tables, for as long as it lives."""
    _watchers.add(watcher)


def generation() -> int:
    """A number that grows with every call and every commit that changed a table."""
    return next(_generations)


@contextmanager
def reads() -> Iterator[set[str]]:
    """The tables the statements run inside read (EVERYTHING among them when unknown)."""
    noted: set[str] = set()
    token = _reads.set(noted)
    try:
        yield noted
    finally:
        _reads.reset(token)


def changed(tables: Iterable[str]) -> None:
    """Tell every watcher that these tables changed (a commit wrote them)."""
    tables = set(tables)
    if tables:
        for watcher in list(_watchers):
            watcher.forget(tables)


def _tables(context: ExecutionContext) -> set[str]:
    compiled = context.compiled
    state = getattr(compiled, "compile_state", None)
    statement = getattr(state, "statement", None)  # the ORM's, with its eager joins
    if statement is None:
        statement = getattr(compiled, "statement", None)
    if statement is None or not hasattr(statement, "get_children"):
        return {EVERYTHING}
    names = {node.name for node in visitors.iterate(statement) if isinstance(node, TableClause)}
    return names or {EVERYTHING}


def _written(connection: Connection) -> set[str]:
    writes = connection.info.get(SESSION_WRITES)
    if writes is None:
        writes = connection.info.setdefault(CONNECTION_WRITES, set())
    return writes  # type: ignore[no-any-return]


@event.listens_for(Engine, "before_cursor_execute")
def _note_statement(
    connection: Connection,
    _cursor: object,
    statement: str,
    _parameters: object,
    context: ExecutionContext,
    _executemany: bool,
) -> None:
    node = getattr(getattr(context, "compiled", None), "statement", None)
    if isinstance(node, UpdateBase):
        _written(connection).add(getattr(node.table, "name", EVERYTHING))
        return
    verb = statement.lstrip()[:8].upper()
    if verb.startswith(("SELECT", "WITH")):
        noted = _reads.get()
        if noted is not None:
            noted.update(_tables(context))
    elif verb.startswith(RAW_WRITES):
        _written(connection).add(EVERYTHING)


# A session's writes are told after its commit (then others read the new data); a bare
# connection's at its COMMIT.


@event.listens_for(Session, "after_begin")
def _link_session(session: Session, _transaction: object, connection: Connection) -> None:
    connection.info[SESSION_WRITES] = session.info.setdefault(SESSION_WRITES, set())


@event.listens_for(Session, "after_commit")
def _session_committed(session: Session) -> None:
    changed(session.info.pop(SESSION_WRITES, ()))


@event.listens_for(Session, "after_rollback")
def _session_rolled_back(session: Session) -> None:
    session.info.pop(SESSION_WRITES, None)


@event.listens_for(Pool, "checkin")
def _unlink_session(_dbapi_connection: object, record: Any) -> None:
    if record is not None:
        record.info.pop(SESSION_WRITES, None)


@event.listens_for(Engine, "commit")
def _connection_committed(connection: Connection) -> None:
    if not connection.invalidated:
        changed(connection.info.pop(CONNECTION_WRITES, ()))


@event.listens_for(Engine, "rollback")
def _connection_rolled_back(connection: Connection) -> None:
    if not connection.invalidated:  # a lost connection: its notes went with it
        connection.info.pop(CONNECTION_WRITES, None)
