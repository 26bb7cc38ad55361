"""The store on SQLite and PostgreSQL: upsert by id, the registry version, and the index following it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from geodata.importer import read_registry_file
from geodata.index import StraightLineWalker
from geodata.regions import china_today
from geodata.registry import Registry
from geodata.store import get_centre, load_centres, registry_version, upsert_centres
from geodata.walk import WalkModel

GOOD = Path(__file__).parents[1] / "data" / "registry_good.csv"


def sample_centres():  # type: ignore[no-untyped-def]
    return read_registry_file(GOOD).accepted


def test_upsert_round_trips_every_field(store) -> None:  # type: ignore[no-untyped-def]
    centres = sample_centres()
    assert upsert_centres(store, centres) == 4
    loaded = {c.id: c for c in load_centres(store)}
    for original in centres:
        back = loaded[original.id]
        assert back.updated_at is not None
        # vacancies given without their own date were updated by this import, today
        dated = china_today(datetime.now(UTC)) if original.vacancies is not None else None
        assert back.vacancies_updated_on == dated
        assert back == original.__class__(**{**original.__dict__, "updated_at": back.updated_at,
                                             "vacancies_updated_on": dated})


def test_upsert_updates_in_place_and_bumps_the_version(store) -> None:  # type: ignore[no-untyped-def]
    centres = sample_centres()
    upsert_centres(store, centres)
    first = registry_version(store)
    renamed = centres[0].__class__(**{**centres[0].__dict__, "name": "改名托育园", "vacancies": 0})
    upsert_centres(store, [renamed])
    assert registry_version(store) == first + 1
    assert len(load_centres(store)) == 4
    back = get_centre(store, renamed.id)
    assert back is not None and (back.name, back.vacancies) == ("改名托育园", 0)


def test_registry_rebuilds_when_another_replica_writes(store) -> None:  # type: ignore[no-untyped-def]
    now = [0.0]
    walker = StraightLineWalker(WalkModel())
    reader = Registry(store, walker, refresh_seconds=5, clock=lambda: now[0])
    writer = Registry(store, walker)
    assert reader.within(39.6, 109.76) == []
    writer.save(sample_centres())
    assert reader.within(39.6, 109.76) == []          # not yet re-checked: still the old snapshot
    now[0] = 6.0
    assert [m.centre.id for m in reader.within(39.6, 109.76)] == ["T-001", "T-002", "T-003"]


def test_own_writes_are_seen_at_once(store) -> None:  # type: ignore[no-untyped-def]
    registry = Registry(store, StraightLineWalker(WalkModel()), refresh_seconds=3600)
    assert registry.get("T-001") is None
    registry.save(sample_centres())
    found = registry.get("T-001")
    assert found is not None and found.name == "测试托育园"
