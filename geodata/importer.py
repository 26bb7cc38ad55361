"""Reading a filing list (CSV, Excel or GeoJSON) into checked centres, row by row.

A bad row never stops the good ones, and a bad optional field never stops its row (it is left out, with a
warning). Only a file that is unusable as a whole (unreadable, too large, or missing required columns) stops
everything. Every reader is guarded against hostile input: huge numbers, NUL and control characters, any line
ending, deep nesting, UTF-16, and sizes counted on the file itself.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

from common import china_today
from geodata.centre import (
    ALL_FIELDS,
    BAD,
    MODE_SEPARATORS,
    REQUIRED_FIELDS,
    VALUE_ALIASES,
    Centre,
    RowError,
    check_row,
)
from geodata.crs import Crs, to_wgs84
from geodata.tables import UnusableFile

__all__ = ["ImportReport", "RegistryReport", "Rejected", "UnusableFile", "check_rows", "check_table",
           "read_registry_file"]
T = TypeVar("T")

# Chinese headers as health commissions export them (the Chinese words for values are in geodata.centre).
HEADER_ALIASES: dict[str, str] = {
    "备案编号": "id", "备案号": "id", "编号": "id",
    "机构名称": "name", "名称": "name",
    "地址": "address", "机构地址": "address",
    "纬度": "lat", "经度": "lon",
    "行政区划代码": "district_code", "区划代码": "district_code",
    "机构类型": "kind", "类型": "kind",
    "是否普惠": "inclusive", "普惠": "inclusive",
    "状态": "status", "运营状态": "status", "备案状态": "status",
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
    "举办性质": "ownership", "办托性质": "ownership", "性质": "ownership",
    "是否对外开放": "open_to_public", "对外开放": "open_to_public",
    "实际入托数": "enrolled", "在托人数": "enrolled", "入托人数": "enrolled",
    "现场勘验日期": "inspected_on", "勘验日期": "inspected_on", "空位更新日期": "vacancies_updated_on",
}
MAX_FILE_BYTES = 200 * 1024 * 1024  # counted on the file itself
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024  # an Excel file is a zip: its unpacked size is bounded too
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
HEADER_SEARCH_ROWS = 20  # a sheet may carry a title above its header row
MAX_BIG_INT_DIGITS = 20
DELIMITERS = (",", "\t", ";", "|")
UNREADABLE = "__unreadable__"  # a row key: the feature itself could not be read

Rows = Iterator[tuple[int, dict[str, Any]]]


@dataclass
class Rejected:
    row: int
    id: str | None
    errors: list[RowError]

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        return {"row": self.row, "id": self.id, "errors": [e.text(lang) for e in self.errors]}


@dataclass
class Warned:
    """An optional field left out of an accepted row."""

    row: int
    id: str
    error: RowError

    @property
    def field(self) -> str:
        return self.error.field

    @property
    def message(self) -> str:
        return f"{self.error.zh} / {self.error.en}"

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        return {"row": self.row, "id": self.id, "field": self.error.field, "message": self.error.text(lang)}


@dataclass
class ImportReport(Generic[T]):
    """Any table's checked rows (centres, residential areas): the good ones, and the bad ones with their faults."""

    accepted: list[T] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"accepted": len(self.accepted), "rejected": [r.as_json() for r in self.rejected]}


@dataclass
class RegistryReport(ImportReport[Centre]):
    """A filing list's checked rows, with the optional fields left out (warnings) and the file's language."""

    warnings: list[Warned] = field(default_factory=list)
    lang: str = "en"  # "zh" when the file's headers are Chinese: its report is in Chinese
    dated: frozenset[str] = frozenset()  # ids whose row gave vacancies_updated_on itself

    def as_json(self) -> dict[str, Any]:
        return {"accepted": len(self.accepted), "rejected": [r.as_json(self.lang) for r in self.rejected],
                "warnings": [w.as_json(self.lang) for w in self.warnings]}


@dataclass
class Source:
    """A file's rows, keyed by the contract's column names, and the language its headers are in."""

    rows: list[tuple[int, dict[str, Any]]]
    lang: str


def read_registry_file(path: Path, crs: Crs | str = Crs.wgs84, *, is_sample: bool = False,
                       progress: Callable[[int], None] | None = None,
                       on_rows: Callable[[int], None] | None = None,
                       max_bytes: int = MAX_FILE_BYTES, today: date | None = None) -> RegistryReport:
    """Check every row of a CSV, Excel or GeoJSON file; raises UnusableFile if the file as a whole is unusable.

    `on_rows` hears how many rows the file has once it is read; `progress` hears each row checked."""
    source = read_source(path, max_bytes=max_bytes)
    if on_rows:
        on_rows(len(source.rows))
    report = check_rows(iter(source.rows), Crs(crs), is_sample=is_sample, progress=progress, today=today)
    report.lang = source.lang
    return report


def read_source(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> Source:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnusableFile(f"无法读取文件 {path}：{exc.strerror} / cannot read {path}: {exc.strerror}") from exc
    if size > max_bytes:
        raise UnusableFile(f"文件有 {size / 2**20:.1f} MB，超过上限 {max_bytes // 2**20} MB / "
                           f"the file is {size / 2**20:.1f} MB, over the {max_bytes // 2**20} MB limit")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnusableFile(f"无法读取文件 {path}：{exc.strerror} / cannot read {path}: {exc.strerror}") from exc
    if path.suffix.lower() in EXCEL_SUFFIXES or data[:4] == b"PK\x03\x04":
        return _excel_rows(path, data)
    text = decode(data)
    if path.suffix.lower() in {".geojson", ".json"} or text.lstrip().startswith("{"):
        return _geojson_rows(text)
    return _csv_rows(text)


def check_rows(rows: Rows, crs: Crs = Crs.wgs84, *, is_sample: bool = False,
               progress: Callable[[int], None] | None = None, today: date | None = None) -> RegistryReport:
    report = RegistryReport()
    today = today or china_today()
    first_seen: dict[str, int] = {}
    dated: set[str] = set()
    for number, raw in rows:
        if UNREADABLE in raw:
            report.rejected.append(Rejected(number, _row_id(raw.get("id")), [RowError(
                "feature", "这一项无法读取（嵌套过深、数字过长或格式错误），其他项照常导入",
                "this feature cannot be read (nested too deep, a number too long, or broken JSON)")]))
            if progress:
                progress(1)
            continue
        centre_id = _row_id(raw.get("id"))
        checked = check_row(converted(raw, crs), is_sample=is_sample, today=today)
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
            report.warnings.extend(Warned(number, checked.centre.id, w) for w in checked.warnings)
            if checked.centre.vacancies_updated_on is not None:
                dated.add(checked.centre.id)
        if progress:
            progress(1)
    report.dated = frozenset(dated)
    return report


def check_table(rows: Iterator[tuple[int, dict[str, Any]]],
                check: Callable[[int, dict[str, Any]], tuple[T | None, list[RowError]]],
                id_label: tuple[str, str] = ("编号", "id"),
                progress: Callable[[int], None] | None = None) -> ImportReport[T]:
    """Checks each row with `check(row number, values)`; a repeated id is the later row's error. A bad row never
    stops the good ones. (The population import's; the registry's own is check_rows.)"""
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


def _row_id(value: Any) -> str | None:
    if value is None or value is BAD:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    text = str(value).strip()
    return text[:64] or None


# -- text files --------------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or GB18030 (Excel's
    Chinese CSV). A few undecodable bytes in an otherwise readable file become U+FFFD, which the rows they fall
    in report; they never fail the file."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, errors="replace")
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # A UTF-8 file with a few broken bytes stays UTF-8 (GB18030 would decode it "successfully", as nonsense);
    # a GB18030 file read as UTF-8 is broken nearly everywhere.
    as_utf8 = body.decode("utf-8", errors="replace")
    broken = as_utf8.count("\ufffd")
    if broken * 20 <= sum(1 for ch in as_utf8 if ord(ch) > 127) - broken:
        return as_utf8
    try:
        return body.decode("gb18030")
    except UnicodeDecodeError:
        pass
    as_gb = body.decode("gb18030", errors="replace")
    return as_utf8 if broken <= as_gb.count("\ufffd") else as_gb


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: text whose every other byte is mostly zero."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def canonical_header(name: str) -> str:
    name = str(name).replace("\ufeff", "").strip()
    return HEADER_ALIASES.get(name, name)


def _lang_of(headers: list[str]) -> str:
    return "zh" if any(str(h).replace("\ufeff", "").strip() in HEADER_ALIASES for h in headers) else "en"


def _check_columns(headers: list[str]) -> None:
    missing = [c for c in REQUIRED_FIELDS if c not in headers]
    if missing:
        raise UnusableFile(f"缺少必需的列：{', '.join(missing)} / required columns missing: {', '.join(missing)}")


def _delimiter(first_line: str) -> str:
    """The separator that splits the header into the most known columns (commas when none does better)."""
    best, best_known = ",", -1
    for delimiter in DELIMITERS:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        known = sum(canonical_header(c) in ALL_FIELDS for c in cells)
        if known > best_known:
            best, best_known = delimiter, known
    return best


def _csv_rows(text: str) -> Source:
    # Any line ending: CRLF, bare CR (old Mac Excel), LF, or a mixture.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    if not text.strip():
        raise UnusableFile("文件是空的 / the file is empty")
    csv.field_size_limit(MAX_FILE_BYTES)  # a huge field is that row's fault, never the file's
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first_line))
    header = next(reader)
    headers = [canonical_header(h) for h in header]
    _check_columns(headers)
    known = [(i, h) for i, h in enumerate(headers) if h in ALL_FIELDS]
    return Source(list(_csv_records(reader, known)), _lang_of(header))


def _csv_records(reader: Any, known: list[tuple[int, str]]) -> Rows:
    indices, names = [i for i, _ in known], [name for _, name in known]
    every = indices == list(range(len(indices)))  # the header holds only known columns, in front
    width = max(indices, default=-1) + 1
    for number, cells in enumerate(reader, start=2):
        if not "".join(cells).strip():
            continue
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        yield number, dict(zip(names, cells if every else [cells[i] for i in indices], strict=False))


# -- Excel -------------------------------------------------------------------------------------------------


def _excel_rows(path: Path, data: bytes) -> Source:
    """The first sheet. Row numbers are those Excel shows; the header is the first row naming the columns."""
    from python_calamine import CalamineError, CalamineWorkbook

    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile:
            raise UnusableFile("Excel 文件已损坏，无法打开 / the Excel file is damaged") from None
        if unpacked > MAX_UNPACKED_BYTES:
            raise UnusableFile(f"Excel 文件解压后超过 {MAX_UNPACKED_BYTES // 2**20} MB / the workbook unpacks to "
                               f"more than {MAX_UNPACKED_BYTES // 2**20} MB")
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise UnusableFile("Excel 文件中没有工作表 / the workbook has no sheet")
        sheet = workbook.get_sheet_by_index(0)
        grid = sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as exc:
        raise UnusableFile(f"无法读取 Excel 文件：{exc} / cannot read the workbook: {exc}") from None
    header_at = _header_row(grid)
    header = [_cell_text(c) for c in grid[header_at]]
    headers = [canonical_header(h) for h in header]
    _check_columns(headers)
    known = [(i, h) for i, h in enumerate(headers) if h in ALL_FIELDS]
    rows = []
    for index in range(header_at + 1, len(grid)):
        cells = grid[index]
        if not any(not _empty(c) for c in cells):
            continue
        width = len(cells)
        rows.append((index + 1, {name: (cells[i] if i < width else "") for i, name in known}))
    return Source(rows, _lang_of(header))


def _header_row(grid: list[list[Any]]) -> int:
    """The first row that names every required column (a title may stand above it), else the first non-empty."""
    first = None
    for index, cells in enumerate(grid[:HEADER_SEARCH_ROWS]):
        names = {canonical_header(_cell_text(c)) for c in cells}
        if all(name in names for name in REQUIRED_FIELDS):
            return index
        if first is None and any(not _empty(c) for c in cells):
            first = index
    if first is None:
        raise UnusableFile("工作表是空的 / the sheet is empty")
    return first


def _empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _cell_text(cell: Any) -> str:
    return "" if cell is None else str(cell)


# -- GeoJSON -----------------------------------------------------------------------------------------------

TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:]')
ID_IN_TEXT = re.compile(r'"(?:id|备案编号)"\s*:\s*"([^"\\]{1,64})"')


def _parse_int(text: str) -> int | str:
    """A JSON integer; one too long to be a field stays text, and check_row reports it."""
    return int(text) if len(text) <= MAX_BIG_INT_DIGITS else text


def _loads(text: str) -> Any:
    return json.loads(text, parse_int=_parse_int)


def _geojson_rows(text: str) -> Source:
    text = text.removeprefix("\ufeff")
    try:
        doc = _loads(text)
    except (ValueError, RecursionError):  # one broken or absurdly nested feature: read the others one by one
        return _geojson_by_feature(text)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise UnusableFile("GeoJSON 应为 FeatureCollection / GeoJSON must be a FeatureCollection")
    return _features_source(list(enumerate(doc["features"], start=1)))


def _features_source(features: list[tuple[int, Any]]) -> Source:
    keys = [str(k) for _, f in features if isinstance(f, dict) and isinstance(f.get("properties"), dict)
            for k in f["properties"]]
    if any(isinstance(f, dict) for _, f in features) or not features:
        _check_columns(sorted({canonical_header(k) for k in keys} | {"lat", "lon"}))
    return Source([(number, _feature_row(feature)) for number, feature in features], _lang_of(sorted(set(keys))))


def _feature_row(feature: Any) -> dict[str, Any]:
    if isinstance(feature, _Broken):
        return {"id": feature.id, UNREADABLE: True}
    props = feature.get("properties") if isinstance(feature, dict) else None
    raw: dict[str, Any] = {}
    if isinstance(props, dict):
        for key, value in props.items():
            name = canonical_header(str(key))
            if name == "modes" and isinstance(value, list) and all(isinstance(v, str) for v in value):
                value = ";".join(value)
            raw[name] = BAD if isinstance(value, dict | list) else value
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    is_point = isinstance(geometry, dict) and geometry.get("type") == "Point"
    if is_point and isinstance(coords, list) and len(coords) >= 2:
        raw["lon"], raw["lat"] = (BAD if isinstance(c, dict | list) else c for c in coords[:2])
    else:
        raw["lat"] = raw["lon"] = None  # reported by check_row as missing coordinates
    return raw


@dataclass(frozen=True)
class _Broken:
    """A feature that could not be parsed (nested too deep, a broken number, a syntax error)."""

    id: str | None


def _geojson_by_feature(text: str) -> Source:
    """Finds the features array with a flat scan (no recursion), then parses each feature on its own."""
    depth = 0
    in_features = expect_features = found_type = False
    start: int | None = None
    pieces: list[tuple[int, Any]] = []
    previous = ""
    for match in TOKEN.finditer(text):
        token = match.group(0)
        if token in "{[":
            if in_features and depth == 2 and start is None:
                start = match.start()
            if expect_features and token == "[" and depth == 1:
                in_features = True
            expect_features = False
            depth += 1
        elif token in "}]":
            depth -= 1
            if in_features and start is not None and depth == 2:
                pieces.append((len(pieces) + 1, _feature_text(text[start:match.end()])))
                start = None
            elif in_features and depth == 1:
                in_features = False
            if depth <= 0:
                break
        elif token == ":":
            expect_features = depth == 1 and previous == '"features"'
        elif depth == 1 and previous == ":" and token == '"FeatureCollection"':
            found_type = True
        previous = token
    if start is not None:  # the file ends inside a feature
        pieces.append((len(pieces) + 1, _Broken(_id_in(text[start:]))))
    if not found_type:
        raise UnusableFile("GeoJSON 应为 FeatureCollection / GeoJSON must be a FeatureCollection")
    return _features_source(pieces)


def _feature_text(piece: str) -> Any:
    try:
        return _loads(piece)
    except (ValueError, RecursionError):
        return _Broken(_id_in(piece))


def _id_in(piece: str) -> str | None:
    match = ID_IN_TEXT.search(piece[:100_000])
    return match.group(1) if match else None


# -- values ------------------------------------------------------------------------------------------------


def converted(raw: dict[str, Any], crs: Crs) -> dict[str, Any]:
    """The row's point in WGS-84 (a file in GCJ-02 or BD-09 is converted; a bad number is left for the checks)."""
    if crs is Crs.wgs84:
        return raw
    try:
        lat, lon = float(raw["lat"]), float(raw["lon"])
    except (TypeError, ValueError, KeyError, OverflowError):
        return raw  # check_row reports the bad number
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return raw
    lat, lon = to_wgs84(lat, lon, crs)
    return {**raw, "lat": lat, "lon": lon}
