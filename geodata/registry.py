"""The registry service: the store is the truth, the in-memory indexes follow it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine

from geodata.centre import Centre
from geodata.index import CentreIndex, Filters, Match, StraightLineWalker, Walker
from geodata.names import NameIndex, NameMatch
from geodata.policy import VACANCIES_FRESH_DAYS
from geodata.regions import china_today
from geodata.store import load_centres, registry_version, upsert_centres

NO_FILTERS = Filters()


@dataclass(frozen=True)
class Snapshot:
    version: int
    by_id: dict[str, Centre]
    index: CentreIndex
    names: NameIndex
    built_on: date | None = None  # the day in China it was built: vacancies age, so a new day rebuilds it


class Registry:
    """Answers from an in-memory snapshot, rebuilt when the store's registry version moves.

    Every replica checks the version at most every `refresh_seconds`; its own writes rebuild at once.
    """

    def __init__(self, engine: Engine, walker: Walker, *,
                 short_forms: Callable[[], Mapping[str, str]] | None = None,
                 refresh_seconds: float = 2.0, clock: Callable[[], float] = time.monotonic):
        self.engine = engine
        self.walker = walker
        self._short_forms = short_forms  # read when the name index is built, e.g. the gazetteer's 阿镇
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._checked_at = float("-inf")

    @property
    def answers_in_memory(self) -> bool:
        """True when a fresh snapshot answers in microseconds (no street network to walk)."""
        return isinstance(self.walker, StraightLineWalker)

    def needs_check(self) -> bool:
        """Whether the next answer will ask the store for its version (and maybe rebuild)."""
        return self._snapshot is None or self._clock() - self._checked_at >= self._refresh_seconds

    def snapshot(self) -> Snapshot:
        now = self._clock()
        current = self._snapshot
        if current is not None and now - self._checked_at < self._refresh_seconds:
            return current
        with self._lock:
            version = registry_version(self.engine)
            if self._snapshot is None or self._snapshot.version != version \
                    or self._snapshot.built_on != china_today():
                self._snapshot = self._build(version)
            self._checked_at = now
            return self._snapshot

    def _build(self, version: int) -> Snapshot:
        items = load_centres(self.engine)
        today = china_today()
        # Parents are offered only active centres open to the public (see Centre.offered).
        index = CentreIndex([c for c in items if c.offered], self.walker,
                            vacancies_since=today - timedelta(days=VACANCIES_FRESH_DAYS))
        return Snapshot(version, {c.id: c for c in items}, index,
                        NameIndex(items, self._short_forms() if self._short_forms else None), today)

    def save(self, centres: Iterable[Centre], **how: Any) -> int:
        """Upsert centres; `how` goes to geodata.store.upsert_centres (change, dated, progress)."""
        written = upsert_centres(self.engine, centres, **how)
        self.changed()
        return written

    def changed(self) -> None:
        """This process wrote to the registry: the next answer rebuilds from the store at once."""
        self._checked_at = float("-inf")

    def get(self, centre_id: str) -> Centre | None:
        return self.snapshot().by_id.get(centre_id)

    def within(self, lat: float, lon: float, minutes: float = 15, filters: Filters = NO_FILTERS,
               limit: int | None = 5) -> list[Match]:
        return self.snapshot().index.within(lat, lon, minutes, filters, limit)

    def nearest(self, lat: float, lon: float, filters: Filters = NO_FILTERS, limit: int = 5) -> list[Match]:
        return self.snapshot().index.nearest(lat, lon, filters, limit)

    def search(self, name: str, limit: int = 5) -> list[NameMatch]:
        return self.snapshot().names.search(name, limit)

    def all(self) -> list[Centre]:
        return list(self.snapshot().by_id.values())
