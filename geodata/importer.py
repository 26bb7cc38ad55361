"""Reading a filing list (CSV, .xlsx or GeoJSON) into checked centres, row by row.

A bad row never stops the good ones; an unusable file (unreadable, or required columns missing) stops everything.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from geodata.centre import ALL_FIELDS, MODE_SEPARATORS, REQUIRED_FIELDS, Centre, RowError, check_row
from geodata.crs import Crs, to_wgs84
from geodata.tables import Columns, UnusableFile, csv_rows, decode, is_xlsx, read_bytes, xlsx_rows

__all__ = ["ImportReport", "Rejected", "UnusableFile", "check_rows", "check_table", "read_registry_file"]
T = TypeVar("T")

# Chinese headers as health commissions export them, and the Chinese words clerks type for values.
HEADER_ALIASES: dict[str, str] = {
    "备案编号": "id", "备案号": "id", "编号": "id",
    "机构名称": "name", "名称": "name",
    "地址": "address", "机构地址": "address",
    "纬度": "lat", "经度": "lon",
    "行政区划代码": "district_code", "区划代码": "district_code",
    "机构类型": "kind", "类型": "kind",
    "是否普惠": "inclusive", "普惠": "inclusive",
    "状态": "status", "运营状态": "status",
    "托位数": "capacity", "核定托位": "capacity",
    "空余托位": "vacancies", "余位": "vacancies",
    "最小月龄": "min_age_months", "最大月龄": "max_age_months",
    "托育形式": "modes", "服务形式": "modes",
    "电话": "phone", "联系电话": "phone",
    "开放时间": "hours", "服务时间": "hours",
    "最低收费": "fee_min", "最高收费": "fee_max",
    "备案日期": "filed_on", "普惠认定日期": "inclusive_since",
    "示范等级": "demo_level", "举办者": "operator", "运营主体": "operator",
    "统一社会信用代码": "credit_code", "卫生评价": "health_eval_passed", "卫生评价合格": "health_eval_passed",
}
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "kind": {"托育机构": "centre", "幼儿园托班": "kindergarten_class", "托班": "kindergarten_class",
             "家庭托育点": "home", "社区托育点": "community", "用人单位福利性托育": "workplace",
             "单位托育": "workplace"},
    "status": {"正常": "active", "运营": "active", "在营": "active", "暂停": "suspended", "停业": "suspended",
               "注销": "closed", "关闭": "closed"},
    "demo_level": {"国家级": "national", "国家": "national", "自治区级": "region", "省级": "region",
                   "市级": "city"},
    "modes": {"全日托": "full_day", "半日托": "half_day", "计时托": "hourly", "临时托": "temporary"},
}
CENTRE_COLUMNS = Columns(required=REQUIRED_FIELDS, known=ALL_FIELDS, aliases=HEADER_ALIASES)
ID_LABEL = ("备案编号", "id")


@dataclass
class Rejected:
    row: int
    id: str | None
    errors: list[RowError]

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "id": self.id, "errors": [str(e) for e in self.errors]}


@dataclass
class ImportReport(Generic[T]):
    accepted: list[T] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"accepted": len(self.accepted), "rejected": [r.as_json() for r in self.rejected]}


def read_registry_file(path: Path, crs: Crs | str = Crs.wgs84, *, is_sample: bool = False,
                       progress: Callable[[int], None] | None = None) -> ImportReport[Centre]:
    """Check every row of a CSV, .xlsx or GeoJSON file; raises UnusableFile if the file as a whole is unusable."""
    crs = Crs(crs)
    data = read_bytes(path)
    if is_xlsx(path, data):
        rows = xlsx_rows(data, CENTRE_COLUMNS)
    else:
        text = decode(data)
        looks_json = path.suffix.lower() in {".geojson", ".json"} or text.lstrip().startswith("{")
        rows = _geojson_rows(text) if looks_json else csv_rows(text, CENTRE_COLUMNS)
    return check_rows(rows, crs, is_sample=is_sample, progress=progress)


def check_rows(rows: Iterator[tuple[int, dict[str, Any]]], crs: Crs = Crs.wgs84, *, is_sample: bool = False,
               progress: Callable[[int], None] | None = None) -> ImportReport[Centre]:
    def check(_: int, raw: dict[str, Any]) -> tuple[Centre | None, list[RowError]]:
        checked = check_row(converted(normalise_values(raw), crs), is_sample=is_sample)
        return checked.centre, checked.errors

    return check_table(rows, check, ID_LABEL, progress)


def check_table(rows: Iterator[tuple[int, dict[str, Any]]],
                check: Callable[[int, dict[str, Any]], tuple[T | None, list[RowError]]],
                id_label: tuple[str, str] = ("编号", "id"),
                progress: Callable[[int], None] | None = None) -> ImportReport[T]:
    """Checks each row with `check(row number, values)`; a repeated id is the later row's error. A bad row never
    stops the good ones."""
    report: ImportReport[T] = ImportReport()
    first_seen: dict[str, int] = {}
    zh_label, en_label = id_label
    for number, raw in rows:
        row_id = str(raw.get("id") or "").strip() or None
        item, found = check(number, raw)
        errors = list(found)
        if row_id and row_id in first_seen:
            errors.append(RowError("id", f"{zh_label}“{row_id}”与第 {first_seen[row_id]} 行重复",
                                   f"{en_label} '{row_id}' repeats row {first_seen[row_id]}"))
        elif row_id:
            first_seen[row_id] = number
        if errors or item is None:
            report.rejected.append(Rejected(number, row_id, errors))
        else:
            report.accepted.append(item)
        if progress:
            progress(1)
    return report


def canonical_header(name: str) -> str:
    return CENTRE_COLUMNS.canonical(name)


def _geojson_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnusableFile(f"不是有效的 JSON（第 {exc.lineno} 行）/ not valid JSON (line {exc.lineno})") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise UnusableFile("GeoJSON 应为 FeatureCollection / GeoJSON must be a FeatureCollection")
    names = {canonical_header(str(k)) for f in doc["features"] if isinstance(f, dict)
             and isinstance(f.get("properties"), dict) for k in f["properties"]}
    CENTRE_COLUMNS.check(sorted(names | {"lat", "lon"}))
    return _feature_iter(doc["features"])


def _feature_iter(features: list[Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        raw = {canonical_header(str(k)): v for k, v in props.items()} if isinstance(props, dict) else {}
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        is_point = isinstance(geometry, dict) and geometry.get("type") == "Point"
        if is_point and isinstance(coords, list) and len(coords) >= 2:
            raw["lon"], raw["lat"] = coords[0], coords[1]
        else:
            raw["lat"] = raw["lon"] = None  # reported by check_row as missing coordinates
        yield number, raw


def normalise_values(raw: dict[str, Any], aliases: dict[str, dict[str, str]] = VALUE_ALIASES) -> dict[str, Any]:
    """Chinese words clerks type (托育机构, 是, 城镇) as the values the checks know; "a、b" lists joined with ";"."""
    out = dict(raw)
    for name, words in aliases.items():
        value = out.get(name)
        if isinstance(value, str) and value.strip():
            if name == "modes":
                parts = [p.strip() for p in MODE_SEPARATORS.split(value)]
                out[name] = ";".join(words.get(p, p) for p in parts)
            else:
                out[name] = words.get(value.strip(), value.strip())
    return out


def converted(raw: dict[str, Any], crs: Crs) -> dict[str, Any]:
    """The row with its lat/lon converted to WGS-84 from `crs` (left alone when not a valid pair)."""
    if crs is Crs.wgs84:
        return raw
    try:
        lat, lon = float(raw["lat"]), float(raw["lon"])
    except (TypeError, ValueError, KeyError):
        return raw  # check_row reports the bad number
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return raw
    lat, lon = to_wgs84(lat, lon, crs)
    return {**raw, "lat": lat, "lon": lon}
