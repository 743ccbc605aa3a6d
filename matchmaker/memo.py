"""Values computed from a few tables, kept in this process until one of those tables changes.

The match API reads the caller's token and the need on every call; kept here, an ORM row comes
back into the request's session without a query. A memo names its tables: a commit in this
process that writes one drops the memo's values at once (``matchmaker.data_changes``), and a
value computed while such a commit happened is not kept. A commit in another process is not
seen: a value lives at most ``OTHER_PROCESS_SECONDS``, the time such a change (a token revoked,
an account deactivated, a need withdrawn) may take to show here.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import current_app
from sqlalchemy import inspect
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict

from matchmaker import data_changes
from matchmaker.data_changes import EVERYTHING

OTHER_PROCESS_SECONDS = 2.0
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
M = TypeVar("M")

_creating = threading.Lock()


class Memo(Generic[K, V]):
    """Bounded in count (least recently used out first) and in age; shared by threads."""

    def __init__(
        self,
        tables: Iterable[str],
        *,
        size: int = 4096,
        seconds: float = OTHER_PROCESS_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._tables = frozenset(tables)
        self._size = size
        self._seconds = seconds
        self._clock = clock
        self._values: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._forgotten = 0  # generation of the last commit to one of the tables
        self._lock = threading.Lock()
        data_changes.watch(self)

    def get(self, key: K, compute: Callable[[], V]) -> V:
        now = self._clock()
        with self._lock:
            found = self._values.get(key)
            if found is not None and found[0] > now:
                self._values.move_to_end(key)
                return found[1]
        started = data_changes.generation()
        value = compute()
        with self._lock:
            if self._forgotten < started:
                self._values[key] = (now + self._seconds, value)
                self._values.move_to_end(key)
                while len(self._values) > self._size:
                    self._values.popitem(last=False)
        return value

    def forget(self, tables: set[str]) -> None:
        if EVERYTHING in tables or tables & self._tables:
            with self._lock:
                self._forgotten = data_changes.generation()
                self._values.clear()

    def __len__(self) -> int:
        return len(self._values)


def app_memo(name: str, tables: Iterable[str]) -> Memo[Any, Any]:
    """The current app's memo of this name (each app has its own database)."""
    memos = current_app.extensions.setdefault("matchmaker.memos", {})
    if name not in memos:
        with _creating:
            memos.setdefault(name, Memo(tables))
    return memos[name]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Row(Generic[M]):
    """An ORM object's column values, kept outside any session."""

    model: type[M]
    values: dict[str, Any]


def snapshot(instance: M) -> Row[M]:
    mapper = inspect(instance).mapper
    values = {column.key: getattr(instance, column.key) for column in mapper.column_attrs}
    return Row(type(instance), values)


def revive(session: Session, row: Row[M]) -> M:
    """The row as an object of `session`, as if just loaded, without a query (the session's
    own object when it holds that row already). Lists and dicts are copied: a change to the
    object never reaches the memo."""
    mapper = inspect(row.model)
    key = mapper.identity_key_from_primary_key(
        [row.values[column.key] for column in mapper.primary_key]
    )
    held = session.identity_map.get(key)
    if held is not None:
        return held  # type: ignore[no-any-return]
    values = {
        name: copy.deepcopy(value) if isinstance(value, (list, dict)) else value
        for name, value in row.values.items()
    }
    # As a query builds it: no __init__, the values set directly rather than as changes (a
    # third of a match call's time went into the constructor's attribute events).
    instance = mapper.class_manager.new_instance()
    instance_dict(instance).update(values)
    make_transient_to_detached(instance)
    session.add(instance)
    return instance
