"""Files never fail whole because of one field: hostile files, generated, keep every good row and report every bad one.

Each example writes a registry file (CSV in any line ending and encoding, or GeoJSON) whose rows are good, or
good but for hostile values that must be cleaned or left out (control characters in a name, a 5,000-digit
capacity), or bad in a required field (a 400-digit latitude, NUL in the id, a nested structure, an unknown kind).
The import must accept exactly the good rows, reject exactly the bad ones by their row number, and warn about
exactly the left-out optional fields.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodata.importer import read_registry_file
from geodata.registry import Registry
from geodata.store import load_centres
from geodata.upkeep import import_file

HEADER = ["id", "name", "address", "lat", "lon", "district_code", "kind", "inclusive", "status", "capacity",
          "vacancies", "filed_on"]
GOOD_VALUES = {"name": "阳光托育园", "address": "天骄路1号", "lat": "39.6", "lon": "109.76", "district_code": "150627",
               "kind": "centre", "inclusive": "true", "status": "active", "capacity": "30", "vacancies": "3",
               "filed_on": "2024-03-01"}
CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x7f", "\u202e", "\u200b", "\ufeff", "\t", "\x0b"])
DEEP = 3000  # beyond Python's recursion limit


@dataclass(frozen=True)
class Row:
    values: dict[str, Any]
    fate: str  # "good", "warned" (kept, one optional field left out) or "bad" (rejected)


def text_with_controls() -> st.SearchStrategy[str]:
    return st.builds(lambda a, c, b: a + c + b, st.sampled_from(["小星星", "禾苗", "Sunny "]), CONTROL,
                     st.sampled_from(["托育园", "托育中心", "Nursery"]))


def huge_number() -> st.SearchStrategy[str]:
    return st.builds(lambda digits, point: "9" * digits + (".5" if point else ""),
                     st.integers(21, 5000), st.booleans())


@st.composite
def rows(draw: st.DrawFn, index: int, geojson: bool) -> Row:
    values: dict[str, Any] = {**GOOD_VALUES, "id": f"H-{index:04d}"}
    fate = draw(st.sampled_from(["good", "good", "warned", "bad"]))
    if draw(st.booleans()):  # control characters in free text are cleaned, never a failure
        values["name"] = draw(text_with_controls())
    if fate == "warned":
        field = draw(st.sampled_from(["capacity", "filed_on"]))
        values[field] = draw(huge_number()) if field == "capacity" else draw(st.sampled_from(
            ["2026-13-01", "2023-02-29", "0000-00-00", "9" * 400]))
    elif fate == "bad":
        field = draw(st.sampled_from(["lat", "lon", "id", "kind", "status", "inclusive", "name"]))
        if field in ("lat", "lon"):
            values[field] = draw(huge_number()) if not geojson or draw(st.booleans()) else "NaN"
        elif field == "id":
            values[field] = values["id"] + draw(st.sampled_from(["\x00", "\x01", "\ufffd"]))
        elif field == "name":
            values[field] = draw(st.sampled_from(["", "   ", "托" * 201]))
        else:
            values[field] = draw(st.sampled_from(["幼教中心", "unknown\x00", "1" * 400]))
        if geojson and draw(st.booleans()):
            values[field if field != "id" else "name"] = "DEEP"  # replaced by a deep structure when written
    return Row(values, fate)


def file_rows(geojson: bool) -> st.SearchStrategy[list[Row]]:
    return st.integers(1, 8).flatmap(lambda n: st.tuples(*(rows(i, geojson) for i in range(n))).map(list))


def write_csv(path: Path, items: list[Row], line_ending: str, encoding: str) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=line_ending)
    writer.writerow(HEADER)
    for row in items:
        writer.writerow([row.values.get(h, "") for h in HEADER])
    path.write_bytes(out.getvalue().encode(encoding))


def write_geojson(path: Path, items: list[Row]) -> None:
    features = []
    for row in items:
        props = {k: v for k, v in row.values.items() if k not in ("lat", "lon")}
        for key, value in props.items():
            if isinstance(value, str) and value.isdigit() and len(value) > 20:
                props[key] = int(value[:4300])  # a JSON integer that Python's int() would refuse whole
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": "Point", "coordinates": [row.values["lon"], row.values["lat"]]}})
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    text = text.replace('"DEEP"', "[" * DEEP + "]" * DEEP)
    path.write_text(text, encoding="utf-8")


def assert_fates(report: Any, items: list[Row], first_row: int) -> None:
    numbered = [(first_row + i, row) for i, row in enumerate(items)]
    assert sorted(c.id for c in report.accepted) == sorted(r.values["id"] for _, r in numbered if r.fate != "bad")
    assert [r.row for r in report.rejected] == [n for n, r in numbered if r.fate == "bad"]
    assert sorted({w.row for w in report.warnings}) == [n for n, r in numbered if r.fate == "warned"]
    for centre in report.accepted:  # what is kept is clean
        assert centre.name.isprintable() and "\u202e" not in centre.name and "\u200b" not in centre.name


HOSTILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.data_too_large])


@HOSTILE
@given(items=file_rows(geojson=False), line_ending=st.sampled_from(["\n", "\r\n", "\r"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gb18030"]))
def test_hostile_csv_keeps_every_good_row(tmp_path_factory: pytest.TempPathFactory, items: list[Row],
                                          line_ending: str, encoding: str) -> None:
    path = tmp_path_factory.mktemp("hostile") / "registry.csv"
    write_csv(path, items, line_ending, encoding)
    assert_fates(read_registry_file(path), items, first_row=2)


@HOSTILE
@given(items=file_rows(geojson=True))
def test_hostile_geojson_keeps_every_good_feature(tmp_path_factory: pytest.TempPathFactory, items: list[Row]) -> None:
    path = tmp_path_factory.mktemp("hostile") / "registry.geojson"
    write_geojson(path, items)
    assert_fates(read_registry_file(path), items, first_row=1)


def test_a_broken_feature_is_reported_and_the_rest_imported(tmp_path: Path) -> None:
    good = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [109.76, 39.6]},
            "properties": {**GOOD_VALUES, "id": "G-1"}}
    text = json.dumps({"type": "FeatureCollection", "features": [good, "BROKEN", {**good, "properties": {
        **GOOD_VALUES, "id": "G-3"}}]}, ensure_ascii=False)
    text = text.replace('"BROKEN"', '{"type": "Feature", "properties": {"id": "G-2", "name": "x" "y"}}')
    path = tmp_path / "broken.geojson"
    path.write_text(text, encoding="utf-8")
    report = read_registry_file(path)
    assert sorted(c.id for c in report.accepted) == ["G-1", "G-3"]
    assert [(r.row, r.id) for r in report.rejected] == [(2, "G-2")]


def test_nul_and_control_characters_never_fail_the_store(store: Any, tmp_path: Path) -> None:
    """On PostgreSQL one NUL byte in one name used to fail the whole transaction (0 of 8 rows stored)."""
    items = [Row({**GOOD_VALUES, "id": f"N-{i}", "name": f"托育\x00园{i}\x01"}, "good") for i in range(8)]
    path = tmp_path / "nul.csv"
    write_csv(path, items, "\n", "utf-8")
    from geodata.index import StraightLineWalker
    from geodata.walk import WalkModel

    report = import_file(Registry(store, StraightLineWalker(WalkModel())), path)
    assert len(report.accepted) == 8 and report.rejected == []
    assert sorted(c.name for c in load_centres(store)) == [f"托育园{i}" for i in range(8)]


def test_a_broken_byte_in_a_utf8_file_rejects_its_row_and_never_garbles_the_file(tmp_path: Path) -> None:
    items = [Row({**GOOD_VALUES, "id": f"U-{i}", "name": f"阳光托育园{i}号"}, "good") for i in range(5)]
    path = tmp_path / "broken.csv"
    write_csv(path, items, "\n", "utf-8")
    data = path.read_bytes()
    broken = data.replace("阳光托育园2号".encode(), "阳光托育园2号".encode()[:-2] + b"\xff", 1)  # one bad byte
    path.write_bytes(broken)
    report = read_registry_file(path)
    assert sorted(c.name for c in report.accepted) == [f"阳光托育园{i}号" for i in (0, 1, 3, 4)]
    assert [(r.row, r.id) for r in report.rejected] == [(4, "U-2")]
    assert "无法识别的字符" in report.rejected[0].errors[0].zh
