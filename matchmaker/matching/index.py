"""Each process's ranking index: built at start-up or loaded from the instance folder, kept
current from the change log (``changes``), rebuilt in the background when much changed.

A process compares its index's version with the log's tip on each call (the tip read again
after TIP_SECONDS, or at once when a commit of this process wrote the log). A few changed offers
are applied in place (``Matcher.add_offers``/``remove_offers``, milliseconds each); a wider
change, or more offers than ``INCREMENTAL_LIMIT``, starts a rebuild in a thread while the old
index keeps serving. Ranking and in-place updates take turns on the index's lock; a rebuild
takes no lock until it swaps the new index in. A built index is pickled into the instance
folder with its version and the fingerprint of the engine's code, and loaded only when both
match, so a command such as ``matchmaker rank`` skips the build (the folder is the app's own,
like its secret key: nothing else writes there).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from flask import Flask

from matchmaker.engine.embeddings import Encoder
from matchmaker.extensions import db
from matchmaker.matching import bridge, changes
from matchmaker.matching.changes import LOOKBACK, Version
from matchmaker.memo import Memo

if TYPE_CHECKING:  # imported where used: scikit-learn takes seconds to import
    from matchmaker.engine.ranker import Matcher

log = logging.getLogger(__name__)

TIP_SECONDS = 0.25  # another process's change reaches this one's rankings within this
INCREMENTAL_LIMIT = 100  # changed offers applied in place at once; more ask for a rebuild
REFIT_SHARE = 0.2  # in-place updates, as a share of the index, after which it is refitted
FORMAT = 1  # of the pickled file
RANKINGS_KEPT = 2048  # rankings remembered per index (a few MB)
T = TypeVar("T")


@dataclass
class LiveIndex:
    """A fitted matcher, the log's version it reflects and the rows near it it has absorbed."""

    matcher: Matcher
    version: Version
    absorbed: set[int]
    updates: int = 0  # offers applied in place since the fit
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    rankings: OrderedDict[Hashable, object] = field(default_factory=OrderedDict, repr=False)

    def use(self, function: Callable[[Matcher], T]) -> T:
        """Run `function(matcher)` while no update changes the matcher."""
        with self.lock:
            return function(self.matcher)

    def remembered(self, key: Hashable, function: Callable[[Matcher], T]) -> T:
        """`use(function)`, kept under `key` until the index changes: a need's ranking depends
        only on the need (in the key) and the indexed data, so a page reloaded, or the same
        need asked for by several people, costs one ranking."""
        with self.lock:
            if key in self.rankings:
                self.rankings.move_to_end(key)
                return self.rankings[key]  # type: ignore[return-value]
            result = function(self.matcher)
            self.rankings[key] = result
            if len(self.rankings) > RANKINGS_KEPT:
                self.rankings.popitem(last=False)
            return result


def build(encoder: Encoder) -> LiveIndex | None:
    """Fit a matcher on every rankable offer, or None when there is none."""
    from matchmaker.engine.ranker import Matcher
    from matchmaker.engine.text import TextRelevance
    from matchmaker.engine.themes import ThemeTagger

    version = changes.current_version(db.session)  # read first: the data is at least as new
    absorbed = changes.recent_change_ids(db.session, version)
    world = bridge.load_world()
    if not world.offers:
        return None
    vectors = bridge.embeddings_for(world.offers, world.texts, encoder)
    db.session.commit()  # keep the embeddings computed, even on a read request
    specs = world.theme_specs
    matcher = Matcher(
        theme_pillars={s.code: s.pillar for s in specs},
        text=TextRelevance(encoder),
        tagger=ThemeTagger().fit(specs),
    ).fit(world.offers, world.providers, world.countries, world.history, world.load, vectors)
    return LiveIndex(matcher, version, absorbed)


class IndexHolder:
    """One app's index, shared by its threads; `path` is where it is persisted."""

    def __init__(self, app: Flask, path: Path, encoder: Callable[[], Encoder]) -> None:
        self._app = app
        self._path = path
        self._encoder = encoder
        self._live: LiveIndex | None = None
        self._first = threading.Lock()  # the first build, which calls wait for (nothing to serve)
        self._guard = threading.Lock()
        self._rebuild: threading.Thread | None = None
        self._tips: Memo[str, Version] = Memo(("index_changes",), size=1, seconds=TIP_SECONDS)

    @property
    def path(self) -> Path:
        return self._path

    def current(self, *, wait: bool = False) -> LiveIndex | None:
        """The index, caught up with the log when that takes few updates.

        `wait` rebuilds now rather than in the background, and persists what it caught up:
        for a one-off command, which has no later call to serve fresher.
        """
        version = self._tip(fresh=wait)
        if self._live is None:
            with self._first:
                if self._live is None:
                    self._live = _load(self._path, version) or self._build_and_save()
        live = self._live
        if live is None or live.version == version:
            return live
        if self._catch_up(live):
            if wait:
                _save(self._path, live)
            return live
        self._start_rebuild()
        if wait:
            self.join_rebuild()
        return self._live

    def _tip(self, *, fresh: bool) -> Version:
        """The log's tip: the match API asks on every call."""
        if fresh:
            return changes.current_version(db.session)
        return self._tips.get("tip", lambda: changes.current_version(db.session))

    def start(self) -> None:
        """Build (or load) the index in the background: at start-up, before the first call."""
        threading.Thread(target=self._in_context, args=(self.current,), daemon=True).start()

    def join_rebuild(self) -> None:
        thread = self._rebuild
        if thread is not None:
            thread.join()

    def _catch_up(self, live: LiveIndex) -> bool:
        """Apply the changed offers in place; False when a rebuild is due instead."""
        with live.lock:
            version = changes.current_version(db.session)
            if live.version == version:
                return True
            limit = INCREMENTAL_LIMIT
            found = changes.changes_since(db.session, live.version, live.absorbed, limit)
            if found.offer_ids is None or live.updates + len(found.offer_ids) > max(
                limit, REFIT_SHARE * len(live.matcher.catalogue_)
            ):
                return False
            _apply(live.matcher, found.offer_ids, self._encoder())
            live.rankings.clear()
            live.absorbed = {
                i for i in live.absorbed | found.change_ids if i > version.last_id - LOOKBACK
            }
            live.version, live.updates = version, live.updates + len(found.offer_ids)
            return True

    def _start_rebuild(self) -> None:
        with self._guard:
            if self._rebuild is None or not self._rebuild.is_alive():
                self._rebuild = threading.Thread(
                    target=self._in_context, args=(self._rebuild_now,), daemon=True
                )
                self._rebuild.start()

    def _rebuild_now(self) -> None:
        self._live = self._build_and_save()  # one assignment: calls see the old or the new

    def _build_and_save(self) -> LiveIndex | None:
        live = build(self._encoder())
        if live is not None:
            _save(self._path, live)
        return live

    def _in_context(self, function: Callable[[], object]) -> None:
        """Run in a thread of its own, with its own session; a failure is logged, and the
        next call tries again."""
        with self._app.app_context():
            try:
                function()
            except Exception:
                log.exception("building the ranking index failed")
            finally:
                db.session.remove()


def _apply(matcher: Matcher, offer_ids: set[int], encoder: Encoder) -> None:
    """Re-read these offers: the indexed ones leave the index, the rankable ones (re-)enter."""
    if not offer_ids:
        return
    found = bridge.rankable_offers(offer_ids)
    vectors = bridge.embeddings_for(found.offers, found.texts, encoder) if found.offers else None
    db.session.commit()  # keep the embeddings computed
    matcher.remove_offers(matcher.indexed(offer_ids))
    known = matcher.catalogue_.providers.records
    matcher.add_offers(
        found.offers, vectors, {p: r for p, r in found.providers.items() if p not in known}
    )


def fingerprint() -> str:
    """The engine's source code: an index pickled by other code is never loaded."""
    digest = hashlib.sha256()
    for source in sorted((Path(__file__).parents[1] / "engine").glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    return digest.hexdigest()


def _save(path: Path, live: LiveIndex) -> None:
    """Write the index atomically: readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (FORMAT, fingerprint(), live.version, live.absorbed)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as file:
        pickle.dump(header, file, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(live.matcher, file, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(file.name, path)


def _load(path: Path, version: Version) -> LiveIndex | None:
    """The persisted index if it was saved at this very version by this engine, else None."""
    try:
        with path.open("rb") as file:
            # The app's own file in its instance folder, written atomically by this code: trusted.
            form, code, saved, absorbed = pickle.load(file)  # noqa: S301  # nosec B301
            if (form, code, saved) != (FORMAT, fingerprint(), version):
                return None
            matcher = pickle.load(file)  # noqa: S301  # nosec B301
    except FileNotFoundError:
        return None
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        log.warning("ignoring an unreadable index file: %s", path)
        return None
    return LiveIndex(matcher, version, absorbed)
