"""Centres as columns: numpy arrays and packed strings instead of one Python object per centre.

A national registry (up to a million rows) fits in a few hundred bytes a centre this way. A `Centre` object is
made only when one is asked for (`table.centre(i)`), from the columns, and the last few thousand made are kept.

    table = CentreTable.from_rows(rows)      # rows as the store returns them (see geodata.store.ROW_COLUMNS)
    table = CentreTable.from_centres(items)  # or from Centre objects (kept as they are: no copy is made)
    i = table.find("B000123")                # the row of an id (rows are sorted by id), or None
    centre = table.centre(i)
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache, partial
from types import SimpleNamespace
from typing import Any, overload

import numpy as np

from geodata.centre import Centre, DemoLevel, Kind, Mode, Status

KINDS = list(Kind)
STATUSES = list(Status)
MODES = list(Mode)
DEMO_LEVELS = list(DemoLevel)
KIND_CODES = {kind: code for code, kind in enumerate(KINDS)}
STATUS_CODES = {status: code for code, status in enumerate(STATUSES)}
MODE_BITS = {mode: 1 << bit for bit, mode in enumerate(MODES)}
DEMO_CODES = {level: code for code, level in enumerate(DEMO_LEVELS)}
NONE_INT = -1  # capacity, vacancies, ages, demo level, health check: "not given"
NO_DATE = 0  # date.toordinal() is at least 1
NO_TIME = np.iinfo(np.int64).min
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SEPARATOR = "\x1f"  # ASCII unit separator: never in a name or address; checked, with a slow path if it is
CACHED_CENTRES = 4096

# The store's columns in the order CentreTable.from_rows reads them.
ROW_COLUMNS = (
    "id", "name", "address", "lat", "lon", "district_code", "kind", "inclusive", "status", "capacity", "vacancies",
    "min_age_months", "max_age_months", "modes", "phone", "hours", "fee_min", "fee_max", "filed_on",
    "inclusive_since", "demo_level", "operator", "credit_code", "health_eval_passed", "is_sample", "updated_at",
)


class PackedStrings(Sequence[str | None]):
    """Many strings in one UTF-8 buffer with their offsets; `None` where a value is missing."""

    __slots__ = ("_blob", "_missing", "_offsets")

    def __init__(self, values: Sequence[str | None]):
        missing = np.fromiter((v is None for v in values), dtype=bool, count=len(values)) \
            if None in values else None
        texts: Sequence[str] = values if missing is None else ["" if v is None else v for v in values]  # type: ignore[assignment]
        joined = SEPARATOR.join(texts)
        blob = joined.encode("utf-8")
        if blob.count(SEPARATOR.encode()) == max(len(texts) - 1, 0):
            ends = np.flatnonzero(np.frombuffer(blob, dtype=np.uint8) == ord(SEPARATOR))
            starts = np.concatenate(([0], ends + 1)).astype(np.int64)
            stops = np.concatenate((ends, [len(blob)])).astype(np.int64)
            # Drop the separators: offsets[i]..offsets[i+1] is value i.
            lengths = stops - starts
        else:  # a value holds the separator itself: measure each one
            encoded = [t.encode("utf-8") for t in texts]
            lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
            blob = b"".join(encoded)
            joined = ""
        if joined:
            blob = blob.replace(SEPARATOR.encode(), b"")
        offsets = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        self._blob = blob
        self._offsets = offsets.astype(np.uint32) if len(blob) < 2**32 else offsets
        self._missing = missing

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, i: int) -> str | None: ...

    @overload
    def __getitem__(self, i: slice) -> list[str | None]: ...

    def __getitem__(self, i: int | slice) -> str | list[str | None] | None:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if self._missing is not None and self._missing[i]:
            return None
        return self._blob[int(self._offsets[i]):int(self._offsets[i + 1])].decode("utf-8")

    def take(self, rows: Sequence[int]) -> list[str]:
        """Values at `rows`, a missing one as "" (one call for many: cheaper than one index each)."""
        idx = np.asarray(rows, dtype=np.intp)
        starts, stops, blob = self._offsets[idx].tolist(), self._offsets[idx + 1].tolist(), self._blob
        return [blob[a:b].decode("utf-8") for a, b in zip(starts, stops, strict=True)]

    def text(self, i: int) -> str:
        """Value i, with a missing one as ""."""
        return self[i] or ""

    def __iter__(self) -> Iterator[str | None]:
        # One decode of the whole buffer, then split by the offsets: far faster than one slice a value.
        offsets = self._offsets.tolist()
        blob = self._blob
        missing = self._missing.tolist() if self._missing is not None else None
        for k in range(len(offsets) - 1):
            if missing is not None and missing[k]:
                yield None
            else:
                yield blob[offsets[k]:offsets[k + 1]].decode("utf-8")

    @property
    def nbytes(self) -> int:
        return len(self._blob) + self._offsets.nbytes + (self._missing.nbytes if self._missing is not None else 0)


def _ints(values: Iterable[Any], dtype: Any, count: int) -> np.ndarray:
    return np.fromiter((NONE_INT if v is None else v for v in values), dtype=dtype, count=count)


def _floats(values: Iterable[Any], count: int) -> np.ndarray:
    return np.fromiter((np.nan if v is None else v for v in values), dtype=float, count=count)


def _days(values: Iterable[Any], count: int) -> np.ndarray:
    return np.fromiter((NO_DATE if v is None else _as_date(v).toordinal() for v in values), dtype=np.int32,
                       count=count)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _micros(value: datetime | None) -> int:
    if value is None:
        return int(NO_TIME)
    moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def mode_code(modes: Iterable[Mode | str]) -> int:
    """The modes in their order, as base-5 digits (0 ends): fits in 16 bits for all four."""
    code, weight = 0, 1
    for mode in modes:
        code += (MODES.index(Mode(mode)) + 1) * weight
        weight *= 5
    return code


def modes_of(code: int) -> tuple[Mode, ...]:
    out = []
    while code:
        code, digit = divmod(code, 5)
        out.append(MODES[digit - 1])
    return tuple(out)


def mode_bits(code: int) -> int:
    return sum(MODE_BITS[m] for m in modes_of(code))


class CentreTable:
    """Every centre of a registry (any status), one array a field, rows sorted by id."""

    def __init__(self, columns: dict[str, Any], objects: Sequence[Centre] | None = None):
        self.ids: PackedStrings = columns["id"]
        self.names: PackedStrings = columns["name"]
        self.addresses: PackedStrings = columns["address"]
        self.lat: np.ndarray = columns["lat"]
        self.lon: np.ndarray = columns["lon"]
        self.district: PackedStrings = columns["district_code"]
        self.kind: np.ndarray = columns["kind"]
        self.inclusive: np.ndarray = columns["inclusive"]
        self.status: np.ndarray = columns["status"]
        self.capacity: np.ndarray = columns["capacity"]
        self.vacancies: np.ndarray = columns["vacancies"]
        self.min_age: np.ndarray = columns["min_age_months"]
        self.max_age: np.ndarray = columns["max_age_months"]
        self.modes: np.ndarray = columns["modes"]
        self.mode_bits: np.ndarray = columns["mode_bits"]
        self.phone: PackedStrings = columns["phone"]
        self.hours: PackedStrings = columns["hours"]
        self.fee_min: np.ndarray = columns["fee_min"]
        self.fee_max: np.ndarray = columns["fee_max"]
        self.filed_on: np.ndarray = columns["filed_on"]
        self.inclusive_since: np.ndarray = columns["inclusive_since"]
        self.demo_level: np.ndarray = columns["demo_level"]
        self.operator: PackedStrings = columns["operator"]
        self.credit_code: PackedStrings = columns["credit_code"]
        self.health_eval: np.ndarray = columns["health_eval_passed"]
        self.is_sample: np.ndarray = columns["is_sample"]
        self.updated_at: np.ndarray = columns["updated_at"]
        self._objects = objects
        # No reference back to the table (the cache would make a cycle, which gc.freeze() would keep forever).
        self.centre = (lru_cache(maxsize=CACHED_CENTRES)(partial(_make_centre, SimpleNamespace(**columns)))
                       if objects is None else objects.__getitem__)

    def __len__(self) -> int:
        return len(self.lat)

    @classmethod
    def from_centres(cls, items: Sequence[Centre]) -> CentreTable:
        """From Centre objects, kept as they are (and answered as themselves); rows sorted by id."""
        items = sorted(items, key=lambda c: c.id)
        n = len(items)
        columns: dict[str, Any] = {
            "id": PackedStrings([c.id for c in items]),
            "name": PackedStrings([c.name for c in items]),
            "address": PackedStrings([c.address for c in items]),
            "lat": np.fromiter((c.lat for c in items), dtype=float, count=n),
            "lon": np.fromiter((c.lon for c in items), dtype=float, count=n),
            "district_code": PackedStrings([c.district_code for c in items]),
            "kind": np.fromiter((KIND_CODES[c.kind] for c in items), dtype=np.int8, count=n),
            "inclusive": np.fromiter((c.inclusive for c in items), dtype=bool, count=n),
            "status": np.fromiter((STATUS_CODES[c.status] for c in items), dtype=np.int8, count=n),
            "capacity": _ints((c.capacity for c in items), np.int32, n),
            "vacancies": _ints((c.vacancies for c in items), np.int32, n),
            "min_age_months": _ints((c.min_age_months for c in items), np.int16, n),
            "max_age_months": _ints((c.max_age_months for c in items), np.int16, n),
            "modes": np.fromiter((mode_code(c.modes) for c in items), dtype=np.uint16, count=n),
            "phone": PackedStrings([c.phone for c in items]),
            "hours": PackedStrings([c.hours for c in items]),
            "fee_min": _floats((c.fee_min for c in items), n),
            "fee_max": _floats((c.fee_max for c in items), n),
            "filed_on": _days((c.filed_on for c in items), n),
            "inclusive_since": _days((c.inclusive_since for c in items), n),
            "demo_level": _ints((DEMO_CODES[c.demo_level] if c.demo_level else None for c in items), np.int8, n),
            "operator": PackedStrings([c.operator for c in items]),
            "credit_code": PackedStrings([c.credit_code for c in items]),
            "health_eval_passed": _ints((c.health_eval_passed for c in items), np.int8, n),
            "is_sample": np.fromiter((c.is_sample for c in items), dtype=bool, count=n),
            "updated_at": np.fromiter((_micros(c.updated_at) for c in items), dtype=np.int64, count=n),
        }
        columns["mode_bits"] = _mode_bits(columns["modes"])
        return cls(columns, objects=list(items))

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[Any]]) -> CentreTable:
        """From the store's rows (columns as ROW_COLUMNS, sorted by id), with no Centre object made."""
        n = len(rows)
        cols = list(zip(*rows, strict=True)) if rows else [() for _ in ROW_COLUMNS]
        c = dict(zip(ROW_COLUMNS, cols, strict=True))
        columns: dict[str, Any] = {
            "id": PackedStrings(c["id"]), "name": PackedStrings(c["name"]), "address": PackedStrings(c["address"]),
            "lat": np.asarray(c["lat"], dtype=float).reshape(n), "lon": np.asarray(c["lon"], dtype=float).reshape(n),
            "district_code": PackedStrings(c["district_code"]),
            "kind": np.fromiter((KIND_CODES[Kind(v)] for v in c["kind"]), dtype=np.int8, count=n),
            "inclusive": np.fromiter((bool(v) for v in c["inclusive"]), dtype=bool, count=n),
            "status": np.fromiter((STATUS_CODES[Status(v)] for v in c["status"]), dtype=np.int8, count=n),
            "capacity": _ints(c["capacity"], np.int32, n), "vacancies": _ints(c["vacancies"], np.int32, n),
            "min_age_months": _ints(c["min_age_months"], np.int16, n),
            "max_age_months": _ints(c["max_age_months"], np.int16, n),
            "modes": np.fromiter((mode_code(x for x in (v or "").split(";") if x) for v in c["modes"]),
                                 dtype=np.uint16, count=n),
            "phone": PackedStrings(c["phone"]), "hours": PackedStrings(c["hours"]),
            "fee_min": _floats(c["fee_min"], n), "fee_max": _floats(c["fee_max"], n),
            "filed_on": _days(c["filed_on"], n), "inclusive_since": _days(c["inclusive_since"], n),
            "demo_level": _ints((DEMO_CODES[DemoLevel(v)] if v else None for v in c["demo_level"]), np.int8, n),
            "operator": PackedStrings(c["operator"]), "credit_code": PackedStrings(c["credit_code"]),
            "health_eval_passed": _ints((None if v is None else int(bool(v)) for v in c["health_eval_passed"]),
                                        np.int8, n),
            "is_sample": np.fromiter((bool(v) for v in c["is_sample"]), dtype=bool, count=n),
            "updated_at": np.fromiter((_micros(v) for v in c["updated_at"]), dtype=np.int64, count=n),
        }
        columns["mode_bits"] = _mode_bits(columns["modes"])
        return cls(columns)

    def find(self, centre_id: str) -> int | None:
        """The row of `centre_id`, or None (a binary search over the sorted ids)."""
        i = bisect.bisect_left(self.ids, centre_id)  # type: ignore[type-var]
        return i if i < len(self) and self.ids[i] == centre_id else None

    def get(self, centre_id: str) -> Centre | None:
        i = self.find(centre_id)
        return None if i is None else self.centre(i)

    def all(self) -> list[Centre]:
        return [self.centre(i) for i in range(len(self))] if self._objects is None else list(self._objects)

    def active_rows(self) -> np.ndarray:
        return np.flatnonzero(self.status == STATUS_CODES[Status.active])

    @property
    def nbytes(self) -> int:
        return sum(v.nbytes for v in vars(self).values() if isinstance(v, np.ndarray | PackedStrings))


def _mode_bits(codes: np.ndarray) -> np.ndarray:
    """The modes as a bit set a row, for filtering (from the ordered codes; few distinct values)."""
    distinct, inverse = np.unique(codes, return_inverse=True)
    return np.asarray([mode_bits(int(c)) for c in distinct], dtype=np.uint8)[inverse.reshape(-1)] \
        if len(codes) else np.zeros(0, dtype=np.uint8)


def _make_centre(c: Any, i: int) -> Centre:
    """Centre i, made from the columns."""
    def opt_int(column: np.ndarray) -> int | None:
        value = int(column[i])
        return None if value == NONE_INT else value

    def opt_float(column: np.ndarray) -> float | None:
        value = float(column[i])
        return None if value != value else value

    def opt_date(column: np.ndarray) -> date | None:
        value = int(column[i])
        return None if value == NO_DATE else date.fromordinal(value)

    demo, health, updated = int(c.demo_level[i]), int(c.health_eval_passed[i]), int(c.updated_at[i])
    return Centre(
        id=c.id.text(i), name=c.name.text(i), address=c.address.text(i),
        lat=float(c.lat[i]), lon=float(c.lon[i]), district_code=c.district_code.text(i),
        kind=KINDS[c.kind[i]], inclusive=bool(c.inclusive[i]), status=STATUSES[c.status[i]],
        capacity=opt_int(c.capacity), vacancies=opt_int(c.vacancies),
        min_age_months=opt_int(c.min_age_months), max_age_months=opt_int(c.max_age_months),
        modes=modes_of(int(c.modes[i])), phone=c.phone[i], hours=c.hours[i],
        fee_min=opt_float(c.fee_min), fee_max=opt_float(c.fee_max),
        filed_on=opt_date(c.filed_on), inclusive_since=opt_date(c.inclusive_since),
        demo_level=None if demo == NONE_INT else DEMO_LEVELS[demo], operator=c.operator[i],
        credit_code=c.credit_code[i], health_eval_passed=None if health == NONE_INT else bool(health),
        is_sample=bool(c.is_sample[i]),
        updated_at=None if updated == NO_TIME else EPOCH + timedelta(microseconds=updated),
    )
