"""The registry service: the store is the truth, the in-memory indexes follow it.

Answers come from an immutable snapshot, swapped in whole (one attribute assignment), so a request never waits
for a rebuild and never sees half of one:
- A change is applied incrementally: the few centres written since the last full build sit in a small layer
  over it (their old rows hidden), built in microseconds. A large import, a large layer, or a layer older than
  `rebuild_seconds` is folded in by a full build instead, made off the request path and swapped in.
- `watch()` checks the store's version in a background thread every `refresh_seconds` (1 s), so other replicas'
  writes are seen within the contract's 2 s without a store round trip per request. Without a watcher (the CLI,
  a test), the version is checked on access at most every `refresh_seconds`.
- The version is read again once the build lock is taken: a queue of callers builds once, not once each.
- After a full build, `gc.freeze()` moves the long-lived objects out of the collector's way.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from shapely.geometry import MultiPolygon, Polygon
from sqlalchemy import Engine

from common import china_today
from geodata.centre import Centre
from geodata.index import CentreIndex, Filters, Match, StraightLineWalker, Walker
from geodata.names import NameIndex, NameMatch
from geodata.policy import VACANCIES_FRESH_DAYS
from geodata.store import get_centres, load_table, registry_version, stamps_since, upsert_centres
from geodata.table import EPOCH, NO_TIME, CentreTable, micros, release_memory

NO_FILTERS = Filters()
# Centres in the incremental layer before a full build folds them in.
LAYER_LIMIT = 256
# A write's `updated_at` is its writer's clock when the transaction began: read back this far, so that a slow
# transaction or a replica's clock running behind is still caught (rows read twice are harmless).
CLOCK_SLACK = timedelta(seconds=60)


def _merge(first: list[Match], second: list[Match], limit: int | None) -> list[Match]:
    if not second:
        return first[:limit]
    return sorted(first + second, key=lambda m: (m.walk_minutes, m.distance_m, m.centre_id))[:limit]


class LayeredIndex:
    """A built CentreIndex with a few newer centres over it (their old rows hidden), answered as one index."""

    def __init__(self, base: CentreIndex, top: CentreIndex):
        # The changed centres' old rows are hidden, whatever their new status (a revoked one is in no index).
        self.base = base.without(c.id for c in top.table.all())
        self.top = top
        self.walker = top.walker

    def __len__(self) -> int:
        return len(self.base) + len(self.top)

    def circle(self, lat: float, lon: float, minutes: float) -> Polygon | MultiPolygon:
        return self.base.circle(lat, lon, minutes)

    def within(self, lat: float, lon: float, minutes: float, filters: Filters = NO_FILTERS,
               limit: int | None = None) -> list[Match]:
        return _merge(self.base.within(lat, lon, minutes, filters, limit),
                      self.top.within(lat, lon, minutes, filters, limit), limit)

    def nearest(self, lat: float, lon: float, filters: Filters = NO_FILTERS, limit: int = 5) -> list[Match]:
        return _merge(self.base.nearest(lat, lon, filters, limit), self.top.nearest(lat, lon, filters, limit), limit)


@dataclass(frozen=True)
class Snapshot:
    version: int
    table: CentreTable  # every centre of the last full build, any status
    index: CentreIndex | LayeredIndex
    names: NameIndex
    layer: Mapping[str, Centre] = field(default_factory=dict)  # centres written since the full build, by id
    layer_names: NameIndex | None = None
    seen_until: datetime = EPOCH  # the newest `updated_at` read from the store
    built_at: float = 0.0  # monotonic time of the full build
    memo: dict[Any, Any] = field(default_factory=dict, compare=False)  # per-snapshot cache (exports)
    built_on: date | None = None  # the day in China it was built: vacancies age, so a new day rebuilds it

    def get(self, centre_id: str) -> Centre | None:
        if centre_id in self.layer:
            return self.layer[centre_id]
        return self.table.get(centre_id)

    def stamps_since(self, since_micros: int) -> dict[str, int]:
        """When this snapshot's copy of each centre written at or after `since_micros` was written (microseconds
        since 1970), by id."""
        rows = np.flatnonzero(self.table.updated_at >= since_micros)
        known = dict(zip(self.table.ids.take(rows.tolist()), self.table.updated_at[rows].tolist(), strict=True))
        known.update({c.id: micros(c.updated_at) for c in self.layer.values() if c.updated_at is not None})
        return known

    def all(self) -> list[Centre]:
        """Every centre, sorted by id."""
        if not self.layer:
            return self.table.all()
        kept = [c for c in self.table.all() if c.id not in self.layer]
        return sorted([*kept, *self.layer.values()], key=lambda c: c.id)

    def search(self, name: str, limit: int) -> list[NameMatch]:
        if not self.layer:
            return self.names.search(name, limit)
        base = [m for m in self.names.search(name, limit + len(self.layer)) if m.centre.id not in self.layer]
        top = self.layer_names.search(name, limit) if self.layer_names else []
        return sorted(base + top, key=lambda m: (-m.score, _STATUS_RANK.get(m.centre.status.value, 9),
                                                 m.centre.name))[:limit]

    @property
    def by_id(self) -> dict[str, Centre]:
        """Every centre by id (made on demand: prefer `get`)."""
        return {c.id: c for c in self.all()}


_STATUS_RANK = {"active": 0, "suspended": 1, "closed": 2, "revoked": 3}


class Registry:
    """Answers from an in-memory snapshot that follows the store (see the module's docstring)."""

    def __init__(self, engine: Engine, walker: Walker, *,
                 short_forms: Callable[[], Mapping[str, str]] | None = None,
                 refresh_seconds: float = 1.0, rebuild_seconds: float = 300.0,
                 clock: Callable[[], float] = time.monotonic, freeze_gc: bool = True):
        self.engine = engine
        self.walker = walker
        self._short_forms = short_forms  # read when the name index is built, e.g. the gazetteer's 阿镇
        self._refresh_seconds = refresh_seconds
        self._rebuild_seconds = rebuild_seconds
        self._clock = clock
        self._freeze_gc = freeze_gc
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._checked_at = float("-inf")
        self._watcher: _Watcher | None = None
        self.full_builds = 0  # how many full builds this registry made (for tests and benchmarks)

    @property
    def answers_in_memory(self) -> bool:
        """True when a fresh snapshot answers in microseconds (no street network to walk)."""
        return isinstance(self.walker, StraightLineWalker)

    @property
    def watched(self) -> bool:
        return self._watcher is not None and self._watcher.is_alive()

    def needs_check(self) -> bool:
        """Whether the next answer will ask the store for its version (and maybe rebuild)."""
        if self._snapshot is None:
            return True
        return not self.watched and self._clock() - self._checked_at >= self._refresh_seconds

    def is_empty(self) -> bool:
        """No centre offered to parents at all: the registry was never imported (not "none near you")."""
        return len(self.snapshot().index) == 0

    def snapshot(self) -> Snapshot:
        current = self._snapshot
        if current is not None and (self.watched or self._clock() - self._checked_at < self._refresh_seconds):
            return current
        return self.refresh()

    def refresh(self, *, full: bool = False) -> Snapshot:
        """Read the store's version; when it moved, apply the change (or build afresh) and swap the snapshot in."""
        with self._lock:
            version = registry_version(self.engine)  # read again under the lock: the queue builds once
            current = self._snapshot
            if current is None or full or current.built_on != china_today():
                current = self._build(version)  # a new day in China: vacancy counts age, so build afresh
            elif current.version != version:
                current = self._apply(current, version)
            elif current.layer and self._clock() - current.built_at >= self._rebuild_seconds:
                current = self._build(version)
            self._snapshot = current  # the swap: one assignment, readers see the old snapshot or the new
            self._checked_at = self._clock()
            return current

    def _build(self, version: int) -> Snapshot:
        table = load_table(self.engine)
        today = china_today()
        snapshot = Snapshot(version, table, self._index(table, today), self._names(table),
                            seen_until=_newest(table), built_at=self._clock(), built_on=today)
        self.full_builds += 1
        if self._freeze_gc and self.watched:
            _freeze()
        else:
            release_memory()
        return snapshot

    def _index(self, items: Sequence[Centre] | CentreTable, today: date) -> CentreIndex:
        """Parents are offered only active centres open to the public (see Centre.offered); a vacancy count
        older than VACANCIES_FRESH_DAYS does not count as free places."""
        return CentreIndex(items, self.walker, offered_only=True,
                           vacancies_since=today - timedelta(days=VACANCIES_FRESH_DAYS))

    def _apply(self, current: Snapshot, version: int) -> Snapshot:
        # First the ids and times written since (less the slack); only rows whose time the snapshot does not hold
        # already are read whole (after a bulk import, thousands of rows sit within the slack, unchanged).
        since = current.seen_until - CLOCK_SLACK
        stamps = stamps_since(self.engine, since)
        known = current.stamps_since(micros(since))
        fresh = [centre_id for centre_id, at in stamps if known.get(centre_id) != micros(at)]
        changed = get_centres(self.engine, fresh) if fresh else []
        layer = {**current.layer, **{c.id: c for c in changed}}
        if len(layer) > LAYER_LIMIT:
            return self._build(version)
        base = current.index.base if isinstance(current.index, LayeredIndex) else current.index
        items = sorted(layer.values(), key=lambda c: c.id)
        newest = max([current.seen_until, *(at for _, at in stamps)])
        index = LayeredIndex(base, self._index(items, current.built_on or china_today())) if items else base
        return Snapshot(version, current.table, index, current.names, layer, self._names(items) if items else None,
                        newest, current.built_at, built_on=current.built_on)

    def _names(self, items: Sequence[Centre] | CentreTable) -> NameIndex:
        return NameIndex(items, self._short_forms() if self._short_forms else None)

    def save(self, centres: Iterable[Centre], **how: Any) -> int:
        """Write to the store (`how` goes to geodata.store.upsert_centres: change, dated, progress); in effect
        for this replica's answers when it returns (others within 2 s)."""
        written = upsert_centres(self.engine, centres, **how)
        self.changed()
        return written

    def changed(self) -> None:
        """This process wrote to the registry (save, or an edit in its own transaction): bring this replica's
        answers up to date now."""
        if self._snapshot is not None:
            self.refresh()
        else:
            self._checked_at = float("-inf")

    def watch(self) -> Callable[[], None]:
        """Check the version every `refresh_seconds` in a background thread; returns what stops it."""
        if not self.watched:
            self._watcher = _Watcher(self, self._refresh_seconds, self._freeze_gc)
            self._watcher.start()
            if self._freeze_gc and self._snapshot is not None:
                _freeze()
        watcher = self._watcher
        assert watcher is not None
        return watcher.stop

    def memo(self, key: Any, make: Callable[[Snapshot], Any]) -> Any:
        """`make(snapshot)`, made once per snapshot (an export is rebuilt only when the registry changed)."""
        snapshot = self.snapshot()
        if key not in snapshot.memo:
            snapshot.memo[key] = make(snapshot)
        return snapshot.memo[key]

    def get(self, centre_id: str) -> Centre | None:
        return self.snapshot().get(centre_id)

    def within(self, lat: float, lon: float, minutes: float = 15, filters: Filters = NO_FILTERS,
               limit: int | None = 5) -> list[Match]:
        return self.snapshot().index.within(lat, lon, minutes, filters, limit)

    def nearest(self, lat: float, lon: float, filters: Filters = NO_FILTERS, limit: int = 5) -> list[Match]:
        return self.snapshot().index.nearest(lat, lon, filters, limit)

    def search(self, name: str, limit: int = 5) -> list[NameMatch]:
        return self.snapshot().search(name, limit)

    def all(self) -> list[Centre]:
        return self.snapshot().all()


class _Watcher(threading.Thread):
    """Polls a registry's version; holds it weakly, so a forgotten registry stops its watcher."""

    def __init__(self, registry: Registry, every: float, unfreeze: bool):
        super().__init__(name="registry-watcher", daemon=True)
        self._registry = weakref.ref(registry)
        self._every = every
        self._unfreeze = unfreeze
        self._stop_event = threading.Event()

    def stop(self) -> None:
        """Stop polling (and hand frozen objects back to the collector: the service is shutting down)."""
        if not self._stop_event.is_set():
            self._stop_event.set()
            if self._unfreeze:
                gc.unfreeze()

    def run(self) -> None:
        while not self._stop_event.wait(self._every):
            registry = self._registry()
            if registry is None:
                return
            with contextlib.suppress(Exception):  # a store hiccup: the snapshot stands, the next poll retries
                registry.refresh()
            del registry


def _freeze() -> None:
    """Collect once, then leave everything alive now out of later collections (the snapshot's objects and the
    service's own): full collections over a large registry paused requests for hundreds of milliseconds."""
    release_memory()
    gc.freeze()


def _newest(table: CentreTable) -> datetime:
    stamps = table.updated_at[table.updated_at != NO_TIME]
    return EPOCH + timedelta(microseconds=int(stamps.max())) if len(stamps) else EPOCH

