"""Reading a filing list (CSV or GeoJSON) into checked centres, row by row.

A bad row never stops the good ones; an unusable file (unreadable, or required columns missing) stops everything.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geodata.centre import ALL_FIELDS, MODE_SEPARATORS, REQUIRED_FIELDS, Centre, RowError, check_row
from geodata.crs import Crs, to_wgs84

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
MAX_FILE_BYTES = 200 * 1024 * 1024


class UnusableFile(Exception):
    """The whole file cannot be used; nothing is stored."""


@dataclass
class Rejected:
    row: int
    id: str | None
    errors: list[RowError]

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "id": self.id, "errors": [str(e) for e in self.errors]}


@dataclass
class ImportReport:
    accepted: list[Centre] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"accepted": len(self.accepted), "rejected": [r.as_json() for r in self.rejected]}


def read_registry_file(path: Path, crs: Crs | str = Crs.wgs84, *, is_sample: bool = False,
                       progress: Callable[[int], None] | None = None) -> ImportReport:
    """Check every row of a CSV or GeoJSON file; raises UnusableFile if the file as a whole is unusable."""
    crs = Crs(crs)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnusableFile(f"无法读取文件 {path}：{exc.strerror} / cannot read {path}: {exc.strerror}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise UnusableFile(f"文件超过 {MAX_FILE_BYTES // 2**20} MB / file is larger than {MAX_FILE_BYTES // 2**20} MB")
    text = _decode(data)
    looks_json = path.suffix.lower() in {".geojson", ".json"} or text.lstrip().startswith("{")
    rows = _geojson_rows(text) if looks_json else _csv_rows(text)
    return check_rows(rows, crs, is_sample=is_sample, progress=progress)


def check_rows(rows: Iterator[tuple[int, dict[str, Any]]], crs: Crs = Crs.wgs84, *, is_sample: bool = False,
               progress: Callable[[int], None] | None = None) -> ImportReport:
    report = ImportReport()
    first_seen: dict[str, int] = {}
    for number, raw in rows:
        raw = _normalise_values(raw)
        centre_id = str(raw.get("id") or "").strip() or None
        checked = check_row(_converted(raw, crs), is_sample=is_sample)
        errors = list(checked.errors)
        if centre_id and centre_id in first_seen:
            errors.append(RowError("id", f"备案编号“{centre_id}”与第 {first_seen[centre_id]} 行重复",
                                   f"id '{centre_id}' repeats row {first_seen[centre_id]}"))
        elif centre_id:
            first_seen[centre_id] = number
        if errors or checked.centre is None:
            report.rejected.append(Rejected(number, centre_id, errors))
        else:
            report.accepted.append(checked.centre)
        if progress:
            progress(1)
    return report


def _decode(data: bytes) -> str:
    # Excel in China saves CSV as GB18030 more often than not.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnusableFile("文件编码无法识别（应为 UTF-8 或 GB18030）/ the file is neither UTF-8 nor GB18030")


def canonical_header(name: str) -> str:
    name = name.strip()
    return HEADER_ALIASES.get(name, name)


def _check_columns(headers: list[str]) -> None:
    missing = [c for c in REQUIRED_FIELDS if c not in headers]
    if missing:
        raise UnusableFile(f"缺少必需的列：{', '.join(missing)} / required columns missing: {', '.join(missing)}")


def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    dialect: type[csv.Dialect] = csv.excel  # one column, or too little text to tell: plain commas
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise UnusableFile("文件是空的 / the file is empty") from None
    headers = [canonical_header(h) for h in header]
    _check_columns(headers)
    known = [(i, h) for i, h in enumerate(headers) if h in ALL_FIELDS]
    return _csv_iter(reader, known)


def _csv_iter(reader: Any, known: list[tuple[int, str]]) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        yield from _csv_records(reader, known)
    except csv.Error as exc:  # e.g. a field over csv's size limit: the file cannot be read as a whole
        line = reader.line_num
        raise UnusableFile(f"CSV 第 {line} 行无法读取：{exc} / line {line} is unreadable") from None


def _csv_records(reader: Any, known: list[tuple[int, str]]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        yield number, {name: (cells[i] if i < len(cells) else "") for i, name in known}


def _geojson_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnusableFile(f"不是有效的 JSON（第 {exc.lineno} 行）/ not valid JSON (line {exc.lineno})") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise UnusableFile("GeoJSON 应为 FeatureCollection / GeoJSON must be a FeatureCollection")
    names = {canonical_header(str(k)) for f in doc["features"] if isinstance(f, dict)
             and isinstance(f.get("properties"), dict) for k in f["properties"]}
    _check_columns(sorted(names | {"lat", "lon"}))
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


def _normalise_values(raw: dict[str, Any]) -> dict[str, Any]:
    out = dict(raw)
    for name, words in VALUE_ALIASES.items():
        value = out.get(name)
        if isinstance(value, str) and value.strip():
            if name == "modes":
                parts = [p.strip() for p in MODE_SEPARATORS.split(value)]
                out[name] = ";".join(words.get(p, p) for p in parts)
            else:
                out[name] = words.get(value.strip(), value.strip())
    return out


def _converted(raw: dict[str, Any], crs: Crs) -> dict[str, Any]:
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
