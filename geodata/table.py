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
import ctypes
import ctypes.util
import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache, partial
from types import SimpleNamespace
from typing import Any, overload

import numpy as np

from geodata.centre import Centre, DemoLevel, Kind, Mode, Ownership, Status

KINDS = list(Kind)
STATUSES = list(Status)
MODES = list(Mode)
DEMO_LEVELS = list(DemoLevel)
OWNERSHIPS = list(Ownership)
KIND_CODES = {kind: code for code, kind in enumerate(KINDS)}
STATUS_CODES = {status: code for code, status in enumerate(STATUSES)}
MODE_BITS = {mode: 1 << bit for bit, mode in enumerate(MODES)}
DEMO_CODES = {level: code for code, level in enumerate(DEMO_LEVELS)}
OWNERSHIP_CODES = {kind: code for code, kind in enumerate(OWNERSHIPS)}
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
    "ownership", "open_to_public", "enrolled", "inspected_on", "vacancies_updated_on",
)


class PackedStrings(Sequence[str | None]):
    """Many strings in one UTF-8 buffer with their offsets; `None` where a value is missing."""

    __slots__ = ("_blob", "_missing", "_none", "_offsets")

    def __init__(self, values: Sequence[str | None]):
        if values and values[0] is None and values.count(None) == len(values):
            # A column nobody filled in (phones in a bare filing list): no buffer, no offsets.
            self._blob = b""
            self._offsets: np.ndarray = np.zeros(0, dtype=np.int64)
            self._missing = None
            self._none = len(values)
            return
        self._none = -1
        values = list(values)
        missing = None
        if None in values:
            missing = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
            values = ["" if v is None else v for v in values]
        texts: list[str] = values  # type: ignore[assignment]
        # Values joined by a separator; value i is blob[offsets[i] : offsets[i + 1] - 1] (the separator dropped).
        blob = SEPARATOR.join(texts).encode("utf-8")
        if not texts:
            offsets = np.zeros(1, dtype=np.int64)
        elif blob.count(SEPARATOR.encode()) == len(texts) - 1:
            ends = np.flatnonzero(np.frombuffer(blob, dtype=np.uint8) == ord(SEPARATOR))
            offsets = np.concatenate(([0], ends + 1, [len(blob) + 1]))
        else:  # a value holds the separator itself: measure each one
            encoded = [t.encode("utf-8") for t in texts]
            blob = SEPARATOR.encode().join(encoded)
            offsets = np.zeros(len(texts) + 1, dtype=np.int64)
            np.cumsum(np.fromiter((len(e) + 1 for e in encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
        self._blob = blob
        self._offsets = offsets.astype(np.uint32) if len(blob) < 2**32 - 1 else offsets.astype(np.int64)
        self._missing = missing

    def __len__(self) -> int:
        return self._none if self._none >= 0 else len(self._offsets) - 1

    @overload
    def __getitem__(self, i: int) -> str | None: ...

    @overload
    def __getitem__(self, i: slice) -> list[str | None]: ...

    def __getitem__(self, i: int | slice) -> str | list[str | None] | None:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if self._none >= 0 or (self._missing is not None and self._missing[i]):
            if not 0 <= i < len(self):
                raise IndexError(i)
            return None
        return self._blob[int(self._offsets[i]):int(self._offsets[i + 1]) - 1].decode("utf-8")

    def take(self, rows: Sequence[int]) -> list[str]:
        """Values at `rows`, a missing one as "" (one call for many: cheaper than one index each)."""
        if self._none >= 0:
            return [""] * len(rows)
        idx = np.asarray(rows, dtype=np.intp)
        starts, stops, blob = self._offsets[idx].tolist(), self._offsets[idx + 1].tolist(), self._blob
        return [blob[a:b - 1].decode("utf-8") for a, b in zip(starts, stops, strict=True)]

    def text(self, i: int) -> str:
        """Value i, with a missing one as ""."""
        return self[i] or ""

    def __iter__(self) -> Iterator[str | None]:
        if self._none >= 0:
            yield from [None] * self._none
            return
        offsets = self._offsets.tolist()
        blob = self._blob
        missing = self._missing.tolist() if self._missing is not None else None
        for k in range(len(offsets) - 1):
            if missing is not None and missing[k]:
                yield None
            else:
                yield blob[offsets[k]:offsets[k + 1] - 1].decode("utf-8")

    @property
    def nbytes(self) -> int:
        return len(self._blob) + self._offsets.nbytes + (self._missing.nbytes if self._missing is not None else 0)


# Column conversions, each with a vectorised path for the common case (a million rows in well under a second).


def _all_none(values: Sequence[Any]) -> bool:
    if isinstance(values, np.ndarray):
        return False
    return len(values) == 0 or (values[0] is None and list(values).count(None) == len(values))


def _floats(values: Sequence[Any]) -> np.ndarray:
    if _all_none(values):
        return np.full(len(values), np.nan)
    return np.asarray(values, dtype=float).reshape(len(values))  # None becomes NaN


def _ints(values: Sequence[Any], dtype: Any) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values.astype(dtype)
    if _all_none(values):
        return np.full(len(values), NONE_INT, dtype=dtype)
    if None not in values:
        return np.asarray(values, dtype=dtype).reshape(len(values))
    return np.fromiter((NONE_INT if v is None else v for v in values), dtype=dtype, count=len(values))


def _coded(values: Sequence[Any], codes: Mapping[Any, int], dtype: Any) -> np.ndarray:
    """Each value's code (kinds, statuses, modes, …), by one dictionary look-up a value."""
    if len(values) and not isinstance(values, np.ndarray) and _all_none(values):
        return np.full(len(values), codes[None], dtype=dtype)
    return np.fromiter(map(codes.__getitem__, values), dtype=dtype, count=len(values))


def _days(values: Sequence[Any]) -> np.ndarray:
    if _all_none(values):
        return np.zeros(len(values), dtype=np.int32)
    return np.fromiter((NO_DATE if v is None else _as_date(v).toordinal() for v in values), dtype=np.int32,
                       count=len(values))


def _stamps(values: Sequence[Any]) -> np.ndarray:
    """Microseconds since 1970 (UTC); naive datetimes, as SQLite gives them, are UTC."""
    if _all_none(values):
        return np.full(len(values), NO_TIME, dtype=np.int64)
    if None not in values and all(isinstance(v, datetime) and v.tzinfo is None for v in values):
        return np.asarray(values, dtype="datetime64[us]").astype(np.int64)
    return np.fromiter((micros(v) for v in values), dtype=np.int64, count=len(values))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def micros(value: datetime | None) -> int:
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
        self.ownership: np.ndarray = columns["ownership"]
        self.open_to_public: np.ndarray = columns["open_to_public"]
        self.enrolled: np.ndarray = columns["enrolled"]
        self.inspected_on: np.ndarray = columns["inspected_on"]
        self.vacancies_updated_on: np.ndarray = columns["vacancies_updated_on"]
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
        rows = [(c.id, c.name, c.address, c.lat, c.lon, c.district_code, c.kind.value, c.inclusive, c.status.value,
                 c.capacity, c.vacancies, c.min_age_months, c.max_age_months, ";".join(m.value for m in c.modes),
                 c.phone, c.hours, c.fee_min, c.fee_max, c.filed_on, c.inclusive_since,
                 c.demo_level.value if c.demo_level else None, c.operator, c.credit_code, c.health_eval_passed,
                 c.is_sample, c.updated_at, c.ownership.value if c.ownership else None, c.open_to_public,
                 c.enrolled, c.inspected_on, c.vacancies_updated_on) for c in items]
        return cls.from_rows(rows, objects=items)

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[Any]], objects: Sequence[Centre] | None = None) -> CentreTable:
        """From the store's rows (columns as ROW_COLUMNS, sorted by id), with no Centre object made."""
        cols = list(zip(*rows, strict=True)) if rows else [() for _ in ROW_COLUMNS]
        return cls.from_columns(dict(zip(ROW_COLUMNS, cols, strict=True)), objects)

    @classmethod
    def from_columns(cls, c: Mapping[str, Sequence[Any]], objects: Sequence[Centre] | None = None) -> CentreTable:
        """From one sequence a column (ROW_COLUMNS, values as the store holds them), rows sorted by id."""
        n = len(c["id"])
        columns: dict[str, Any] = {
            "id": PackedStrings(c["id"]), "name": PackedStrings(c["name"]), "address": PackedStrings(c["address"]),
            "lat": np.asarray(c["lat"], dtype=float).reshape(n), "lon": np.asarray(c["lon"], dtype=float).reshape(n),
            "district_code": PackedStrings(c["district_code"]),
            "kind": _coded(c["kind"], KIND_CODES, np.int8),
            "inclusive": np.asarray(c["inclusive"], dtype=bool).reshape(n),
            "status": _coded(c["status"], STATUS_CODES, np.int8),
            "capacity": _ints(c["capacity"], np.int32), "vacancies": _ints(c["vacancies"], np.int32),
            "min_age_months": _ints(c["min_age_months"], np.int16),
            "max_age_months": _ints(c["max_age_months"], np.int16),
            "modes": _coded(c["modes"], {v: mode_code(x for x in (v or "").split(";") if x) for v in set(c["modes"])},
                            np.uint16),
            "phone": PackedStrings(c["phone"]), "hours": PackedStrings(c["hours"]),
            "fee_min": _floats(c["fee_min"]), "fee_max": _floats(c["fee_max"]),
            "filed_on": _days(c["filed_on"]), "inclusive_since": _days(c["inclusive_since"]),
            "demo_level": _coded(c["demo_level"], {None: NONE_INT, "": NONE_INT, **DEMO_CODES}, np.int8),
            "operator": PackedStrings(c["operator"]), "credit_code": PackedStrings(c["credit_code"]),
            "health_eval_passed": _coded(c["health_eval_passed"], {None: NONE_INT, False: 0, True: 1}, np.int8),
            "is_sample": np.asarray(c["is_sample"], dtype=bool).reshape(n),
            "updated_at": _stamps(c["updated_at"]),
            "ownership": _coded(c["ownership"], {None: NONE_INT, "": NONE_INT, **OWNERSHIP_CODES}, np.int8),
            "open_to_public": np.fromiter((v is None or bool(v) for v in c["open_to_public"]), dtype=bool, count=n),
            "enrolled": _ints(c["enrolled"], np.int32),
            "inspected_on": _days(c["inspected_on"]),
            "vacancies_updated_on": _days(c["vacancies_updated_on"]),
        }
        columns["mode_bits"] = _mode_bits(columns["modes"])
        return cls(columns, objects)

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

    def offered_rows(self) -> np.ndarray:
        """The rows offered to parents: active and open to the public (see Centre.offered)."""
        return np.flatnonzero((self.status == STATUS_CODES[Status.active]) & self.open_to_public)

    @property
    def nbytes(self) -> int:
        return sum(v.nbytes for v in vars(self).values() if isinstance(v, np.ndarray | PackedStrings))


def _mode_bits(codes: np.ndarray) -> np.ndarray:
    """The modes as a bit set a row, for filtering (from the ordered codes; few distinct values)."""
    distinct, inverse = np.unique(codes, return_inverse=True)
    return np.asarray([mode_bits(int(c)) for c in distinct], dtype=np.uint8)[inverse.reshape(-1)] \
        if len(codes) else np.zeros(0, dtype=np.uint8)


def release_memory() -> None:
    """Collect garbage, then hand the C allocator's free pages back to the system (glibc's malloc_trim): after a
    build, the rows read from the store are gone, but glibc would keep their pages."""
    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


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
    ownership = int(c.ownership[i])
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
        ownership=None if ownership == NONE_INT else OWNERSHIPS[ownership],
        open_to_public=bool(c.open_to_public[i]), enrolled=opt_int(c.enrolled),
        inspected_on=opt_date(c.inspected_on), vacancies_updated_on=opt_date(c.vacancies_updated_on),
        is_sample=bool(c.is_sample[i]),
        updated_at=None if updated == NO_TIME else EPOCH + timedelta(microseconds=updated),
    )
