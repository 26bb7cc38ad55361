"""The registry's tables and queries (SQLAlchemy Core). The store is the source of truth."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    String,
    Table,
    Text,
    any_,
    bindparam,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from common import as_utc, china_today, metadata
from geodata.centre import Centre, DemoLevel, Kind, Mode, Ownership, Status, make_centre
from geodata.population import Area
from geodata.table import ROW_COLUMNS, CentreTable

centres = Table(
    "centres", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False, index=True),
    Column("address", String(300), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("district_code", String(6), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("inclusive", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("capacity", Integer),
    Column("vacancies", Integer),
    Column("min_age_months", Integer),
    Column("max_age_months", Integer),
    Column("modes", String(80), nullable=False, default=""),
    Column("phone", String(64)),
    Column("hours", String(120)),
    Column("fee_min", Float),
    Column("fee_max", Float),
    Column("filed_on", Date),
    Column("inclusive_since", Date),
    Column("demo_level", String(16)),
    Column("operator", String(200)),
    Column("credit_code", String(18)),
    Column("health_eval_passed", Boolean),
    Column("is_sample", Boolean, nullable=False, default=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("ownership", String(16)),
    Column("open_to_public", Boolean, nullable=False, default=True, server_default=true()),
    Column("enrolled", Integer),
    Column("inspected_on", Date),
    Column("vacancies_updated_on", Date),
)

# The dated, public history of each centre (信息公示): every change to its filing fields, by an import, a staff
# edit or the centre itself, oldest first.
centre_events = Table(
    "centre_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("centre_id", String(64), nullable=False, index=True),
    Column("on_date", Date, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("field", String(32), nullable=False),
    Column("from_value", JSON),
    Column("to_value", JSON),
    Column("reason", String(500)),
    Column("source", String(16), nullable=False),  # import, edit (staff) or centre (its own operator)
    Column("actor", String(80), nullable=False),
)

# The fields whose changes make a centre's public history. Vacancies, fees, hours and the like change often and
# are shown with their own date instead.
HISTORY_FIELDS = (
    "status", "inclusive", "inclusive_since", "filed_on", "inspected_on", "open_to_public", "name", "address",
    "district_code", "kind", "ownership", "capacity", "demo_level", "health_eval_passed", "operator", "credit_code",
)

POPULATION_KEY = "population"  # registry_meta's counter for the areas table
# One row per key: a counter bumped on every registry (or population) write, so each replica knows when to rebuild.
registry_meta = Table(
    "registry_meta", metadata,
    Column("key", String(32), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("note", Text),
)


def _row(centre: Centre, now: datetime) -> dict[str, Any]:
    return {
        "id": centre.id, "name": centre.name, "address": centre.address, "lat": centre.lat,
        "lon": centre.lon, "district_code": centre.district_code, "kind": centre.kind.value,
        "inclusive": centre.inclusive, "status": centre.status.value, "capacity": centre.capacity,
        "vacancies": centre.vacancies, "min_age_months": centre.min_age_months,
        "max_age_months": centre.max_age_months, "modes": ";".join(m.value for m in centre.modes),
        "phone": centre.phone, "hours": centre.hours, "fee_min": centre.fee_min, "fee_max": centre.fee_max,
        "filed_on": centre.filed_on, "inclusive_since": centre.inclusive_since,
        "demo_level": centre.demo_level.value if centre.demo_level else None, "operator": centre.operator,
        "credit_code": centre.credit_code, "health_eval_passed": centre.health_eval_passed,
        "is_sample": centre.is_sample, "updated_at": now,
        "ownership": centre.ownership.value if centre.ownership else None, "open_to_public": centre.open_to_public,
        "enrolled": centre.enrolled, "inspected_on": centre.inspected_on,
        "vacancies_updated_on": centre.vacancies_updated_on,
    }


def centre_from_row(row: Any) -> Centre:
    m = row._mapping
    updated = as_utc(m["updated_at"]) if m["updated_at"] is not None else None
    return make_centre(
        id=m["id"], name=m["name"], address=m["address"], lat=m["lat"], lon=m["lon"],
        district_code=m["district_code"], kind=Kind(m["kind"]), inclusive=bool(m["inclusive"]),
        status=Status(m["status"]), capacity=m["capacity"], vacancies=m["vacancies"],
        min_age_months=m["min_age_months"], max_age_months=m["max_age_months"],
        modes=tuple(Mode(x) for x in m["modes"].split(";") if x), phone=m["phone"], hours=m["hours"],
        fee_min=m["fee_min"], fee_max=m["fee_max"], filed_on=m["filed_on"],
        inclusive_since=m["inclusive_since"],
        demo_level=DemoLevel(m["demo_level"]) if m["demo_level"] else None, operator=m["operator"],
        credit_code=m["credit_code"], health_eval_passed=m["health_eval_passed"],
        ownership=Ownership(m["ownership"]) if m["ownership"] else None,
        open_to_public=bool(m["open_to_public"]), enrolled=m["enrolled"], inspected_on=m["inspected_on"],
        vacancies_updated_on=m["vacancies_updated_on"], is_sample=bool(m["is_sample"]), updated_at=updated,
    )


def json_value(value: Any) -> Any:
    """A field's value as plain JSON (enums by value, dates as YYYY-MM-DD, modes as a list)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [json_value(v) for v in value]
    return value


@dataclass(frozen=True)
class Change:
    """Who changed the registry, how and why: written with every event."""

    source: str = "import"  # import, edit or centre
    actor: str = "cli"
    reason: str | None = None


def history_events(old: Centre | None, new: Centre) -> list[tuple[str, Any, Any]]:
    """(field, from, to) for each history field that differs; a new centre starts with its status."""
    if old is None:
        return [("status", None, new.status.value)]
    events = []
    for name in HISTORY_FIELDS:
        before, after = json_value(getattr(old, name)), json_value(getattr(new, name))
        if before != after:
            events.append((name, before, after))
    return events


def write_events(conn: Connection, centre_id: str, events: Sequence[tuple[str, Any, Any]], change: Change,
                 now: datetime) -> None:
    if events:
        on = china_today(now)
        conn.execute(centre_events.insert(), [
            {"centre_id": centre_id, "on_date": on, "at": now, "field": name, "from_value": before, "to_value": after,
             "reason": change.reason, "source": change.source, "actor": change.actor}
            for name, before, after in events])


def _existing(conn: Connection, ids: list[str]) -> dict[str, Centre]:
    """The stored centres among `ids` (one query: an array on PostgreSQL, IN on SQLite)."""
    if conn.dialect.name == "postgresql":
        query = select(centres).where(centres.c.id == any_(bindparam("ids", ids, type_=postgresql.ARRAY(String))))
        return {row.id: centre_from_row(row) for row in conn.execute(query)}
    found: dict[str, Centre] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update((row.id, centre_from_row(row)) for row in conn.execute(
            select(centres).where(centres.c.id.in_(chunk))))
    return found


def vacancies_date(new: Centre, old: Centre | None, dated: bool, today: date) -> date | None:
    """When the vacancies were last updated: as the row says; else kept when unchanged; else today."""
    if new.vacancies is None:
        return None
    if dated:
        return new.vacancies_updated_on
    if old is not None and old.vacancies == new.vacancies and old.vacancies_updated_on is not None:
        return old.vacancies_updated_on
    return today


CENTRE_COLUMNS = tuple(c.name for c in centres.columns)
EVENT_COLUMNS = ("centre_id", "on_date", "at", "field", "from_value", "to_value", "reason", "source", "actor")
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy keeps a DateTime in SQLite
BULK_CACHE_KIB = 131_072  # SQLite's page cache during a bulk upsert (then back to the default 2 MB)


def _bulk_sql(dialect: str) -> tuple[str, str]:
    """INSERT … ON CONFLICT (id) DO UPDATE for every centre column, and the events INSERT, in the driver's style."""
    mark = "?" if dialect == "sqlite" else "%s"
    names = ", ".join(f'"{c}"' for c in CENTRE_COLUMNS)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in CENTRE_COLUMNS if c != "id")
    upsert = (f"INSERT INTO centres ({names}) VALUES ({', '.join([mark] * len(CENTRE_COLUMNS))}) "
              f"ON CONFLICT (id) DO UPDATE SET {updates}")
    events = (f"INSERT INTO centre_events ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in EVENT_COLUMNS)}) "
              f"VALUES ({', '.join([mark] * len(EVENT_COLUMNS))})")
    return upsert, events


def _driver_values(c: Centre, updated: Any, vacancies_on: date | None, sqlite_store: bool) -> tuple[Any, ...]:
    """One centre as the database driver takes it, in CENTRE_COLUMNS order (checked below). SQLite gets dates
    as text, as SQLAlchemy writes them; `updated` is already in the driver's form."""
    if sqlite_store:
        filed, since, inspected = c.filed_on, c.inclusive_since, c.inspected_on
        return (
            c.id, c.name, c.address, c.lat, c.lon, c.district_code, c.kind.value, c.inclusive, c.status.value,
            c.capacity, c.vacancies, c.min_age_months, c.max_age_months, ";".join(c.modes), c.phone, c.hours,
            c.fee_min, c.fee_max, filed.isoformat() if filed else None, since.isoformat() if since else None,
            c.demo_level.value if c.demo_level else None, c.operator, c.credit_code, c.health_eval_passed,
            c.is_sample, updated, c.ownership.value if c.ownership else None, c.open_to_public, c.enrolled,
            inspected.isoformat() if inspected else None, vacancies_on.isoformat() if vacancies_on else None,
        )
    return (
        c.id, c.name, c.address, c.lat, c.lon, c.district_code, c.kind.value, c.inclusive, c.status.value,
        c.capacity, c.vacancies, c.min_age_months, c.max_age_months, ";".join(c.modes), c.phone, c.hours,
        c.fee_min, c.fee_max, c.filed_on, c.inclusive_since, c.demo_level.value if c.demo_level else None,
        c.operator, c.credit_code, c.health_eval_passed, c.is_sample, updated,
        c.ownership.value if c.ownership else None, c.open_to_public, c.enrolled, c.inspected_on, vacancies_on,
    )


assert CENTRE_COLUMNS == (
    "id", "name", "address", "lat", "lon", "district_code", "kind", "inclusive", "status", "capacity", "vacancies",
    "min_age_months", "max_age_months", "modes", "phone", "hours", "fee_min", "fee_max", "filed_on",
    "inclusive_since", "demo_level", "operator", "credit_code", "health_eval_passed", "is_sample", "updated_at",
    "ownership", "open_to_public", "enrolled", "inspected_on", "vacancies_updated_on"), "keep _driver_values in step"


def upsert_centres(engine: Engine, items: Iterable[Centre], batch: int = 2000, *, change: Change = Change(),
                   dated: frozenset[str] = frozenset(), progress: Callable[[int], None] | None = None,
                   now: datetime | None = None) -> int:
    """Insert or update centres by id in one transaction, in batches (the driver's executemany of
    INSERT … ON CONFLICT DO UPDATE), each change of a history field recorded as a dated event.

    `dated` names the centres whose vacancies_updated_on came with them; the others' is today when the count
    changed. Returns how many were written."""
    now = now or datetime.now(UTC)
    today = china_today(now)
    items = list(items)
    if not items:
        return 0
    sqlite_store = engine.dialect.name == "sqlite"
    upsert_sql, events_sql = _bulk_sql(engine.dialect.name)
    at = now.strftime(SQLITE_TIME) if sqlite_store else now
    on = today.isoformat() if sqlite_store else today
    with engine.begin() as conn:
        _bump_version(conn)  # first: takes the registry's write lock, so edits and imports never interleave
        if sqlite_store:  # a bulk load touches more pages than SQLite's default 2 MB cache holds
            conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        for start in range(0, len(items), batch):
            chunk = items[start:start + batch]
            existing = _existing(conn, [c.id for c in chunk])
            rows: list[tuple[Any, ...]] = []
            events: list[tuple[Any, ...]] = []
            for centre in chunk:
                old = existing.get(centre.id)
                rows.append(_driver_values(centre, at, vacancies_date(centre, old, centre.id in dated, today),
                                           sqlite_store))
                events.extend((centre.id, on, at, name, _json_text(before), _json_text(after), change.reason,
                               change.source, change.actor) for name, before, after in history_events(old, centre))
            if sqlite_store:
                conn.exec_driver_sql(upsert_sql, rows)
                if events:
                    conn.exec_driver_sql(events_sql, events)
            else:
                _copy_upsert(conn, rows, events)
            if progress:
                progress(len(chunk))
        if sqlite_store:
            conn.exec_driver_sql("PRAGMA cache_size = -2000")
    return len(items)


def _copy_upsert(conn: Connection, rows: list[tuple[Any, ...]], events: list[tuple[Any, ...]]) -> None:
    """PostgreSQL: COPY the batch into a temporary table, then one INSERT … ON CONFLICT DO UPDATE from it; the
    events are COPYed straight in."""
    names = ", ".join(f'"{c}"' for c in CENTRE_COLUMNS)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in CENTRE_COLUMNS if c != "id")
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS centres_load (LIKE centres INCLUDING DEFAULTS) "
                       "ON COMMIT DROP")
        cursor.execute("TRUNCATE centres_load")
        with cursor.copy(f"COPY centres_load ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"INSERT INTO centres ({names}) SELECT {names} FROM centres_load "
                       f"ON CONFLICT (id) DO UPDATE SET {updates}")
        if events:
            columns = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)
            with cursor.copy(f"COPY centre_events ({columns}) FROM STDIN") as copy:
                for event in events:
                    copy.write_row(event)


@lru_cache(maxsize=4096)
def _json_text(value: Any) -> str | None:
    """A history value as JSON text (values are scalars: the same few repeat across a whole import)."""
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _bump_version(conn: Any, key: str = "registry") -> None:
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    conn.execute(insert(registry_meta).values(key=key, version=1).on_conflict_do_update(
        index_elements=[registry_meta.c.key], set_={"version": registry_meta.c.version + 1}))


def update_centre(conn: Connection, old: Centre, new: Centre, change: Change, now: datetime) -> None:
    """One centre's new values and their history, inside the caller's transaction (which bumped the version)."""
    values = _row(new, now)
    del values["id"]
    conn.execute(update(centres).where(centres.c.id == old.id).values(**values))
    write_events(conn, old.id, history_events(old, new), change, now)


def lock_registry(conn: Connection) -> None:
    """Bump the registry version first thing in a write transaction: replicas rebuild, and writers queue."""
    _bump_version(conn)


def read_centre(conn: Connection, centre_id: str) -> Centre | None:
    row = conn.execute(select(centres).where(centres.c.id == centre_id)).first()
    return centre_from_row(row) if row else None


def centre_history(engine: Engine, centre_id: str) -> list[dict[str, Any]]:
    """The public history of one centre, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(centre_events).where(centre_events.c.centre_id == centre_id)
                            .order_by(centre_events.c.at, centre_events.c.id)).all()
    return [{"on": r.on_date.isoformat(), "field": r.field, "from": r.from_value, "to": r.to_value, "reason": r.reason,
             "source": r.source} for r in rows]


def registry_version(engine: Engine, key: str = "registry") -> int:
    with engine.connect() as conn:
        value = conn.execute(select(registry_meta.c.version).where(registry_meta.c.key == key)).scalar()
    return int(value or 0)


def load_centres(engine: Engine) -> list[Centre]:
    with engine.connect() as conn:
        return [centre_from_row(r) for r in conn.execute(select(centres).order_by(centres.c.id))]


def get_centre(engine: Engine, centre_id: str) -> Centre | None:
    with engine.connect() as conn:
        row = conn.execute(select(centres).where(centres.c.id == centre_id)).first()
    return centre_from_row(row) if row else None


# Residential areas with their population (geodata/population.py): the demand side of coverage.
areas = Table(
    "areas", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("population", Integer, nullable=False),
    Column("district_code", String(6), index=True),
    Column("town", String(80)),
    Column("urban", Boolean),
    Column("under3", Integer),
    Column("new_area", Boolean),
    Column("is_sample", Boolean, nullable=False, default=False),
    Column("source", String(200)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
AREA_FIELDS = ("id", "name", "lat", "lon", "population", "district_code", "town", "urban", "under3", "new_area",
               "is_sample", "source")


def upsert_areas(engine: Engine, items: Iterable[Area], batch: int = 1000) -> int:
    """Insert or update residential areas by id in one transaction; returns how many were written."""
    now = datetime.now(UTC)
    rows = [{**{name: getattr(a, name) for name in AREA_FIELDS}, "updated_at": now} for a in items]
    if not rows:
        return 0
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    with engine.begin() as conn:
        for start in range(0, len(rows), batch):
            stmt = insert(areas).values(rows[start:start + batch])
            stmt = stmt.on_conflict_do_update(
                index_elements=[areas.c.id],
                set_={col.name: stmt.excluded[col.name] for col in areas.columns if col.name != "id"},
            )
            conn.execute(stmt)
        _bump_version(conn, POPULATION_KEY)
    return len(rows)


def load_areas(engine: Engine) -> list[Area]:
    with engine.connect() as conn:
        return [Area(**{name: r._mapping[name] for name in AREA_FIELDS},
                     updated_at=as_utc(r._mapping["updated_at"]))
                for r in conn.execute(select(areas).order_by(areas.c.id))]


def population_version(engine: Engine) -> int:
    return registry_version(engine, POPULATION_KEY)


def load_table(engine: Engine) -> CentreTable:
    """Every centre as columns (no Centre object each), rows sorted by id."""
    columns = [centres.c[name] for name in ROW_COLUMNS]
    with engine.connect() as conn:
        rows = conn.execute(select(*columns).order_by(centres.c.id)).all()
    return CentreTable.from_rows(rows)


def stamps_since(engine: Engine, since: datetime) -> list[tuple[str, datetime]]:
    """(id, updated_at) of the centres written at or after `since`: a cheap first look before reading rows."""
    with engine.connect() as conn:
        rows = conn.execute(select(centres.c.id, centres.c.updated_at).where(centres.c.updated_at >= since))
        return [(r.id, as_utc(r.updated_at)) for r in rows]


def get_centres(engine: Engine, ids: list[str], batch: int = 500) -> list[Centre]:
    """These centres (those that exist), sorted by id."""
    found: list[Centre] = []
    with engine.connect() as conn:
        for start in range(0, len(ids), batch):
            chunk = ids[start:start + batch]
            found += [centre_from_row(r) for r in conn.execute(select(centres).where(centres.c.id.in_(chunk)))]
    return sorted(found, key=lambda c: c.id)
