"""The registry follows the store without stalls: incremental layers, one build for a queue, a background watcher,
centres kept as columns that come back field for field."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import date

import pytest

from geodata.centre import DemoLevel, Kind, Mode, Status
from geodata.index import StraightLineWalker
from geodata.registry import LAYER_LIMIT, LayeredIndex, Registry
from geodata.store import load_centres, load_table, upsert_centres
from geodata.table import CentreTable, PackedStrings, mode_code, modes_of
from geodata.walk import WalkModel
from tests.geodata.factories import BEIJING, centre_at, make_centre

WALKER = StraightLineWalker(WalkModel())


def ids(matches) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.centre.id for m in matches]


def test_every_field_comes_back_from_the_columns(store) -> None:
    full = make_centre(id="R-FULL", name="小星星托育园·天骄社区点", address="阿勒腾席热镇天骄路1号", capacity=80,
                       vacancies=0, min_age_months=6, max_age_months=36, modes=(Mode.hourly, Mode.full_day),
                       phone="0477-1234567", hours="07:30-18:00", fee_min=1200.5, fee_max=2600.0,
                       filed_on=date(2023, 5, 4), inclusive_since=date(2024, 1, 1), demo_level=DemoLevel.city,
                       operator="某某有限公司", credit_code="91150627MA0Q1X2Y3Z", health_eval_passed=False,
                       is_sample=True, status=Status.suspended, kind=Kind.community)
    bare = make_centre(id="R-BARE", modes=(), capacity=None, vacancies=None, inclusive=False)
    upsert_centres(store, [full, bare])
    from_store = load_centres(store)
    table = load_table(store)
    assert [table.centre(i) for i in range(len(table))] == from_store  # updated_at to the microsecond
    assert table.find("R-FULL") == 1 and table.find("R-BARE") == 0 and table.find("R-NONE") is None
    assert table.get("R-FULL") == from_store[1]


def test_packed_strings_keep_none_empty_and_the_separator() -> None:
    values = ["托育", None, "", "a\x1fb", "最后"]
    packed = PackedStrings(values)
    assert list(packed) == values and [packed[i] for i in range(5)] == values
    assert packed.take([4, 0]) == ["最后", "托育"]


def test_mode_codes_keep_the_order_given() -> None:
    for modes in [(), (Mode.hourly,), (Mode.temporary, Mode.full_day, Mode.hourly, Mode.half_day)]:
        assert modes_of(mode_code(modes)) == modes


def test_an_index_from_centre_objects_answers_with_those_objects() -> None:
    centre = centre_at(*BEIJING, 90, 300)
    table = CentreTable.from_centres([centre])
    assert table.centre(0) is centre


def test_own_write_is_answered_at_once_from_a_small_layer(sqlite_store) -> None:
    near, far = centre_at(*BEIJING, 0, 200, id="A"), centre_at(*BEIJING, 90, 600, id="B")
    registry = Registry(sqlite_store, WALKER)
    registry.save([near, far])
    assert ids(registry.within(*BEIJING, 15)) == ["A", "B"]
    assert registry.full_builds == 1

    registry.save([replace(near, status=Status.closed), centre_at(*BEIJING, 180, 400, id="C")])
    snapshot = registry.snapshot()
    assert isinstance(snapshot.index, LayeredIndex) and set(snapshot.layer) == {"A", "C"}
    assert registry.full_builds == 1  # applied, not rebuilt
    assert ids(registry.within(*BEIJING, 15)) == ["C", "B"]
    assert ids(registry.nearest(*BEIJING, limit=1)) == ["C"]
    assert registry.get("A").status is Status.closed  # type: ignore[union-attr]
    assert [c.id for c in registry.all()] == ["A", "B", "C"]
    assert registry.search(near.name)[0].centre.status is Status.closed

    registry.save([replace(near, name="新名字托育园")])  # a second change to a centre already in the layer
    assert registry.search("新名字托育园")[0].centre.id == "A"
    assert len(registry.all()) == 3


def test_another_replicas_write_is_seen_on_the_next_check(sqlite_store) -> None:
    now = [0.0]
    writer = Registry(sqlite_store, WALKER)
    reader = Registry(sqlite_store, WALKER, refresh_seconds=1.0, clock=lambda: now[0])
    writer.save([centre_at(*BEIJING, 0, 200, id="A")])
    assert ids(reader.within(*BEIJING, 15)) == ["A"]
    writer.save([centre_at(*BEIJING, 90, 100, id="B")])
    now[0] = 0.5
    assert ids(reader.within(*BEIJING, 15)) == ["A"]  # checked at most every second
    now[0] = 1.0
    assert ids(reader.within(*BEIJING, 15)) == ["B", "A"]
    assert reader.full_builds == 1


def test_a_large_change_is_folded_in_by_a_full_build(sqlite_store) -> None:
    registry = Registry(sqlite_store, WALKER)
    registry.save([centre_at(*BEIJING, 0, 200, id="A")])
    registry.snapshot()
    registry.save([centre_at(*BEIJING, i % 360, 300 + i, id=f"L{i:04d}") for i in range(LAYER_LIMIT + 1)])
    assert registry.full_builds == 2 and not registry.snapshot().layer
    assert len(registry.within(*BEIJING, 15, limit=None)) == LAYER_LIMIT + 2


def test_an_old_layer_is_folded_in_after_rebuild_seconds(sqlite_store) -> None:
    now = [0.0]
    registry = Registry(sqlite_store, WALKER, clock=lambda: now[0], rebuild_seconds=300)
    registry.save([centre_at(*BEIJING, 0, 200, id="A")])
    registry.snapshot()
    registry.save([centre_at(*BEIJING, 0, 300, id="B")])
    assert registry.snapshot().layer
    now[0] = 301.0
    assert not registry.snapshot().layer and registry.full_builds == 2


def test_callers_queued_on_the_first_build_share_it(sqlite_store) -> None:
    upsert_centres(sqlite_store, [centre_at(*BEIJING, 0, 200, id="A")])
    registry = Registry(sqlite_store, WALKER)
    barrier = threading.Barrier(8)

    def ask() -> None:
        barrier.wait()
        registry.within(*BEIJING, 15)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert registry.full_builds == 1


def test_the_watcher_sees_another_replicas_write_within_two_seconds(sqlite_store) -> None:
    writer = Registry(sqlite_store, WALKER)
    writer.save([centre_at(*BEIJING, 0, 200, id="A")])
    reader = Registry(sqlite_store, WALKER, freeze_gc=False)
    reader.snapshot()
    stop = reader.watch()
    try:
        assert not reader.needs_check()  # watched: answers never ask the store
        writer.save([centre_at(*BEIJING, 90, 100, id="B")])
        deadline = time.monotonic() + 2.0
        while "B" not in ids(reader.within(*BEIJING, 15)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ids(reader.within(*BEIJING, 15)) == ["B", "A"]
    finally:
        stop()


def test_exports_are_made_once_per_version(sqlite_store) -> None:
    registry = Registry(sqlite_store, WALKER)
    registry.save([centre_at(*BEIJING, 0, 200, id="A")])
    made: list[int] = []

    def export(snapshot) -> bytes:  # type: ignore[no-untyped-def]
        made.append(snapshot.version)
        return ",".join(c.id for c in snapshot.all()).encode()

    assert registry.memo("x", export) == b"A"
    assert registry.memo("x", export) == b"A" and len(made) == 1
    registry.save([centre_at(*BEIJING, 0, 300, id="B")])
    assert registry.memo("x", export) == b"A,B" and len(made) == 2


@pytest.mark.parametrize("count", [0, 1])
def test_an_empty_or_tiny_registry(sqlite_store, count: int) -> None:
    registry = Registry(sqlite_store, WALKER)
    registry.save([centre_at(*BEIJING, 0, 200, id="A")][:count])
    assert len(registry.within(*BEIJING, 15)) == count
    assert registry.get("A") is (None if count == 0 else registry.get("A"))
