"""Residential areas (communities, villages) with their population: the demand side of coverage.

A population file is read like a filing list (geodata/importer.py): CSV or .xlsx, English or Chinese headers, every
row checked, a bad row reported with its number and reasons and never stopping the good ones.

    report = read_population_file(Path("population.xlsx"), county_of=gazetteer_county_code)
    report.accepted   # [Area(id="150627-001", name="天骄社区", population=8200, …), …]

Columns (CARECIRCLE contract, "Coverage for health staff"): `id`, `name`, `lat`, `lon`, `population` required;
`district_code` (county), `town` (乡镇/街道), `urban`, `under3`, `new_area` optional. An area without a
`district_code` is placed in the county whose seat is nearest (a warning says so): check it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from geodata.centre import (
    RowError,
    _count,
    _flag,
    _text,
    check_district_code,
    check_point_fields,
    check_present_and_short,
)
from geodata.crs import Crs
from geodata.importer import ImportReport, check_table, converted, normalise_values
from geodata.tables import Columns, read_bytes, table_rows

SAMPLE_PREFIX = "SAMPLE-"
REQUIRED_FIELDS = ("id", "name", "lat", "lon", "population")
OPTIONAL_FIELDS = ("district_code", "town", "urban", "under3", "new_area")
HEADER_ALIASES: dict[str, str] = {
    "编号": "id", "区域编号": "id", "社区编号": "id", "小区编号": "id", "村编号": "id", "代码": "id",
    "名称": "name", "社区名称": "name", "小区名称": "name", "村名": "name", "社区/村": "name", "居住区": "name",
    "纬度": "lat", "经度": "lon",
    "常住人口": "population", "人口": "population", "人口数": "population", "常住人口数": "population",
    "3岁以下": "under3", "三岁以下": "under3", "3岁以下婴幼儿": "under3", "3岁以下婴幼儿数": "under3",
    "婴幼儿数": "under3", "0-3岁": "under3", "0-3岁人口": "under3",
    "行政区划代码": "district_code", "区划代码": "district_code", "区县代码": "district_code",
    "县级代码": "district_code",
    "乡镇": "town", "街道": "town", "乡镇街道": "town", "乡镇（街道）": "town", "乡镇(街道)": "town",
    "所属乡镇": "town", "镇/街道": "town", "乡镇/街道": "town", "苏木镇": "town",
    "城镇": "urban", "城市社区": "urban", "是否城市社区": "urban", "城乡": "urban", "城乡类型": "urban",
    "新建小区": "new_area", "新建居住区": "new_area", "是否新建": "new_area", "新旧": "new_area",
    "新建/老旧": "new_area",
}
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "urban": {"城市": "true", "城镇": "true", "城区": "true", "城市社区": "true", "社区": "true",
              "农村": "false", "乡村": "false", "村": "false", "农村牧区": "false", "嘎查": "false", "嘎查村": "false"},
    "new_area": {"新建": "true", "新": "true", "新建居住区": "true", "新建小区": "true",
                 "老旧": "false", "旧": "false", "老城区": "false", "已建成": "false", "已建成区": "false",
                 "老旧小区": "false"},
}
POPULATION_COLUMNS = Columns(required=REQUIRED_FIELDS, known=REQUIRED_FIELDS + OPTIONAL_FIELDS,
                             aliases=HEADER_ALIASES)
MAX_LENGTHS = {"id": 64, "name": 200, "town": 80}
MAX_POPULATION = 5_000_000  # one row is a community, a village or at most a town


@dataclass(frozen=True)
class Area:
    """A residential area: where families live, with how many people (and children under three) live there."""

    id: str
    name: str
    lat: float
    lon: float
    population: int
    district_code: str | None = None
    town: str | None = None
    urban: bool | None = None
    under3: int | None = None
    new_area: bool | None = None
    is_sample: bool = False
    source: str | None = None  # the file it came from
    updated_at: datetime | None = None

    @property
    def province_code(self) -> str | None:
        return self.district_code[:2] + "0000" if self.district_code else None


@dataclass
class RowWarning:
    """A row that was stored, with something the clerk should check."""

    row: int
    id: str | None
    field: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "id": self.id, "field": self.field, "message": self.message}


@dataclass
class PopulationReport(ImportReport[Area]):
    warnings: list[RowWarning] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {**super().as_json(), "warnings": [w.as_json() for w in self.warnings]}


def check_area_row(raw: dict[str, Any], *, is_sample: bool = False, source: str | None = None
                   ) -> tuple[Area | None, list[RowError]]:
    """Validate one population row (keyed by the contract's column names) into an Area."""
    errors: list[RowError] = []

    def err(name: str, zh: str, en: str) -> None:
        errors.append(RowError(name, zh, en))

    check_present_and_short(raw, REQUIRED_FIELDS, MAX_LENGTHS, err)
    lat, lon = check_point_fields(raw, err)
    district = check_district_code(raw, err)
    population = _count(raw, "population", err)
    under3 = _count(raw, "under3", err)
    if population is not None and population > MAX_POPULATION:
        err("population", f"常住人口 {population} 不合常理（一行最多 {MAX_POPULATION}）",
            f"population {population} is implausible for one area (at most {MAX_POPULATION})")
    if population is not None and under3 is not None and under3 > population:
        err("under3", f"3岁以下人数 {under3} 大于常住人口 {population}",
            f"children under three ({under3}) exceed the population ({population})")
    urban = _flag(raw, "urban", err)
    new_area = _flag(raw, "new_area", err)
    if errors:
        return None, errors
    assert lat is not None and lon is not None and population is not None
    area_id = _text(raw["id"])
    return Area(
        id=area_id, name=_text(raw["name"]), lat=lat, lon=lon, population=population,
        district_code=district or None, town=_text(raw.get("town")) or None, urban=urban, under3=under3,
        new_area=new_area, is_sample=is_sample or area_id.startswith(SAMPLE_PREFIX), source=source,
    ), []


def read_population_file(path: Path, crs: Crs | str = Crs.wgs84, *, is_sample: bool = False,
                         county_of: Callable[[float, float], tuple[str, str] | None] | None = None,
                         source: str | None = None,
                         progress: Callable[[int], None] | None = None) -> PopulationReport:
    """Check every row of a CSV or .xlsx population file; raises UnusableFile if the file as a whole is unusable.

    `county_of(lat, lon)` → (code, name) places an area that has no `district_code` (with a warning)."""
    rows = table_rows(path, read_bytes(path), POPULATION_COLUMNS)
    return check_population_rows(rows, Crs(crs), is_sample=is_sample, county_of=county_of,
                                 source=source or path.name, progress=progress)


def check_population_rows(rows: Iterator[tuple[int, dict[str, Any]]], crs: Crs = Crs.wgs84, *,
                          is_sample: bool = False,
                          county_of: Callable[[float, float], tuple[str, str] | None] | None = None,
                          source: str | None = None,
                          progress: Callable[[int], None] | None = None) -> PopulationReport:
    warnings: list[RowWarning] = []

    def check(number: int, raw: dict[str, Any]) -> tuple[Area | None, list[RowError]]:
        area, errors = check_area_row(converted(normalise_values(raw, VALUE_ALIASES), crs), is_sample=is_sample,
                                      source=source)
        if area is not None and area.district_code is None:
            area, warning = _placed(number, area, county_of)
            warnings.append(warning)
        return area, errors

    found = check_table(rows, check, ("编号", "id"), progress)
    rejected = {r.row for r in found.rejected}  # a repeated id is rejected after its own checks passed
    return PopulationReport(found.accepted, found.rejected, [w for w in warnings if w.row not in rejected])


def _placed(number: int, area: Area, county_of: Callable[[float, float], tuple[str, str] | None] | None
            ) -> tuple[Area, RowWarning]:
    """An area without a county code, placed in the county whose seat is nearest (when that is known)."""
    found = county_of(area.lat, area.lon) if county_of else None
    if found is None:
        return area, RowWarning(number, area.id, "district_code",
                                "未填写行政区划代码，也无法按位置推定，该区域不计入任何地区的统计 / no district_code, "
                                "and none could be inferred from the point: the area counts in no region's figures")
    code, name = found
    return (replace(area, district_code=code),
            RowWarning(number, area.id, "district_code",
                       f"未填写行政区划代码，已按最近的县级政府驻地推定为 {code}（{name}），请核对 / no district_code: "
                       f"taken as {code} ({name}), the county with the nearest seat; please check"))
