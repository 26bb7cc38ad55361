"""The registry's tables and queries (SQLAlchemy Core). The store is the source of truth."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from common import as_utc, metadata
from geodata.centre import Centre, DemoLevel, Kind, Mode, Status
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
    }


def centre_from_row(row: Any) -> Centre:
    m = row._mapping
    updated = as_utc(m["updated_at"]) if m["updated_at"] is not None else None
    return Centre(
        id=m["id"], name=m["name"], address=m["address"], lat=m["lat"], lon=m["lon"],
        district_code=m["district_code"], kind=Kind(m["kind"]), inclusive=bool(m["inclusive"]),
        status=Status(m["status"]), capacity=m["capacity"], vacancies=m["vacancies"],
        min_age_months=m["min_age_months"], max_age_months=m["max_age_months"],
        modes=tuple(Mode(x) for x in m["modes"].split(";") if x), phone=m["phone"], hours=m["hours"],
        fee_min=m["fee_min"], fee_max=m["fee_max"], filed_on=m["filed_on"],
        inclusive_since=m["inclusive_since"],
        demo_level=DemoLevel(m["demo_level"]) if m["demo_level"] else None, operator=m["operator"],
        credit_code=m["credit_code"], health_eval_passed=m["health_eval_passed"],
        is_sample=bool(m["is_sample"]), updated_at=updated,
    )


def upsert_centres(engine: Engine, items: Iterable[Centre], batch: int = 1000) -> int:
    """Insert or update centres by id in one transaction; returns how many were written."""
    now = datetime.now(UTC)
    rows = [_row(c, now) for c in items]
    if not rows:
        return 0
    dialect = engine.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    with engine.begin() as conn:
        for start in range(0, len(rows), batch):
            chunk = rows[start:start + batch]
            stmt = insert(centres).values(chunk)
            stmt = stmt.on_conflict_do_update(
                index_elements=[centres.c.id],
                set_={col.name: stmt.excluded[col.name] for col in centres.columns if col.name != "id"},
            )
            conn.execute(stmt)
        _bump_version(conn)
    return len(rows)


def _bump_version(conn: Any, key: str = "registry") -> None:
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    conn.execute(insert(registry_meta).values(key=key, version=1).on_conflict_do_update(
        index_elements=[registry_meta.c.key], set_={"version": registry_meta.c.version + 1}))


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
