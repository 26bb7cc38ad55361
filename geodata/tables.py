"""Tables as clerks keep them, read into numbered rows: CSV (UTF-8 or GB18030, comma, tab or semicolon) and Excel
workbooks (.xlsx, the first sheet). One reader serves every import (centres, population).

    columns = Columns(required=("id", "name"), known=("id", "name", "lat"), aliases={"编号": "id"})
    for row, values in table_rows(path, read_bytes(path), columns):
        ...  # row: 2 for the first data row (the header is row 1); values: {"id": "…", …} as text

A row number is the one a person sees: the CSV record, or the row Excel shows. Blank rows are skipped.
An unusable file (unreadable, empty, a required column missing) raises UnusableFile: nothing is imported.

Excel is read with python-calamine (Rust): on a 50,000-row workbook it took 0.4–0.9 s where openpyxl's read-only
mode took 5.8–6.1 s, with about the same memory (tests/benchmarks/bench_xlsx.py). openpyxl only writes the reports.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 200 * 1024 * 1024
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx file is a zip archive

Rows = Iterator[tuple[int, dict[str, Any]]]


class UnusableFile(Exception):
    """The whole file cannot be used; nothing is stored."""


@dataclass(frozen=True)
class Columns:
    """The columns of one kind of table: required ones, every one read, and header aliases (Chinese headers)."""

    required: tuple[str, ...]
    known: tuple[str, ...]
    aliases: Mapping[str, str]

    def canonical(self, name: str) -> str:
        name = name.strip()
        return self.aliases.get(name, name)

    def check(self, headers: list[str]) -> None:
        missing = [c for c in self.required if c not in headers]
        if missing:
            raise UnusableFile(f"缺少必需的列：{', '.join(missing)} / required columns missing: {', '.join(missing)}")


def read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnusableFile(f"无法读取文件 {path}：{exc.strerror} / cannot read {path}: {exc.strerror}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise UnusableFile(f"文件超过 {MAX_FILE_BYTES // 2**20} MB / file is larger than {MAX_FILE_BYTES // 2**20} MB")
    return data


def decode(data: bytes) -> str:
    # Excel in China saves CSV as GB18030 more often than not.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnusableFile("文件编码无法识别（应为 UTF-8 或 GB18030）/ the file is neither UTF-8 nor GB18030")


def is_xlsx(path: Path, data: bytes) -> bool:
    return path.suffix.lower() in XLSX_SUFFIXES or data.startswith(ZIP_MAGIC)


def table_rows(path: Path, data: bytes, columns: Columns) -> Rows:
    """The rows of a CSV or .xlsx file (told apart by name or content), keyed by the known columns."""
    if is_xlsx(path, data):
        return xlsx_rows(data, columns)
    return csv_rows(decode(data), columns)


def csv_rows(text: str, columns: Columns) -> Rows:
    dialect: type[csv.Dialect] = csv.excel  # one column, or too little text to tell: plain commas
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise UnusableFile("文件是空的 / the file is empty") from None
    known = _known(header, columns)
    return _csv_iter(reader, known)


def _known(header: list[Any], columns: Columns) -> list[tuple[int, str]]:
    headers = [columns.canonical(str(h) if h is not None else "") for h in header]
    columns.check(headers)
    wanted = set(columns.known)
    return [(i, h) for i, h in enumerate(headers) if h in wanted]


def _csv_iter(reader: Any, known: list[tuple[int, str]]) -> Rows:
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            yield number, {name: (cells[i] if i < len(cells) else "") for i, name in known}
    except csv.Error as exc:  # e.g. a field over csv's size limit: the file cannot be read as a whole
        line = reader.line_num
        raise UnusableFile(f"CSV 第 {line} 行无法读取：{exc} / line {line} is unreadable") from None


def xlsx_rows(data: bytes, columns: Columns) -> Rows:
    """The first sheet of a workbook; row numbers as Excel shows them (the header row is the sheet's first row)."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not book.sheet_names:
            raise UnusableFile("工作簿中没有工作表 / the workbook has no sheet")
        sheet = book.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=True)
        first_row = sheet.start[0] if sheet.start else 0
    except (CalamineError, ValueError, OSError) as exc:
        raise UnusableFile(f"不是可读取的 Excel 工作簿（.xlsx）：{exc} / not a readable .xlsx workbook") from None
    if not rows:
        raise UnusableFile("文件是空的 / the file is empty")
    known = _known(rows[0], columns)
    return _xlsx_iter(rows[1:], known, first_row + 2)


def _xlsx_iter(rows: list[list[Any]], known: list[tuple[int, str]], first: int) -> Rows:
    for number, cells in enumerate(rows, start=first):
        values = {name: cell_text(cells[i]) if i < len(cells) else "" for i, name in known}
        if any(v.strip() for v in values.values()):
            yield number, values


def cell_text(value: Any) -> str:
    """An Excel cell as the text a clerk sees: 150627 (not 150627.0), true/false, 2024-05-09."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):  # a duration cell
        return str(value)
    return str(value)
