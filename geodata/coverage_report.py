"""The coverage report a 卫健局 sends upward: per town and county, as .csv and .xlsx, with the date and the sources.

    data = to_xlsx(result)       # bytes of a workbook: 汇总, 乡镇与区县, 目标, 缺口, 建议选址, 区域, 来源
    data = to_csv(result)        # UTF-8 with BOM (Excel opens Chinese correctly): the towns and counties table
    name = file_name(result, "xlsx")   # coverage-150627-2025-06-01.xlsx

Column headers are bilingual (Chinese first). Shares are percentages, places per 1,000 have two decimals.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any

from geodata.coverage import Coverage, TownRow, add_row
from geodata.divisions import LEVEL_LABELS
from geodata.targets import SHARES, Measure

SAMPLE_WARNING = ("示例数据：虚构，仅供演示，不是统计数据 / "
                  "SAMPLE DATA: fictional, for demonstration only, not statistics")

REGION_TOTAL = "（全地区合计 region total）"
# (header, value of a row, format): "int", "share" (a percentage), "rate" (two decimals) or "text"
Column = tuple[str, Callable[[TownRow], Any], str]
TOWN_COLUMNS: tuple[Column, ...] = (
    ("区县代码 County code", lambda r: r.county_code, "text"),
    ("区县 County", lambda r: r.county_name, "text"),
    ("乡镇/街道 Town", lambda r: r.town if r.town is not None else "（区县合计 county total）", "text"),
    ("社区/村 Areas", lambda r: r.areas, "int"),
    ("常住人口 Population", lambda r: r.population, "int"),
    ("3岁以下 Under 3", lambda r: r.under3, "int"),
    ("在营机构 Active centres", lambda r: r.centres, "int"),
    ("普惠机构 Inclusive centres", lambda r: r.inclusive_centres, "int"),
    ("托位数 Places", lambda r: r.places, "int"),
    ("普惠托位 Inclusive places", lambda r: r.inclusive_places, "int"),
    ("普惠托位占比 Inclusive share", lambda r: r.inclusive_share, "share"),
    ("每千人托位数 Places per 1,000", lambda r: r.places_per_1000, "rate"),
    ("覆盖的社区/村 Covered areas", lambda r: r.covered_areas, "int"),
    ("覆盖人口 Covered population", lambda r: r.covered_population, "int"),
    ("覆盖率（按人口）Coverage (people)", lambda r: r.coverage, "share"),
    ("城市社区 Urban areas", lambda r: r.urban_areas, "int"),
    ("覆盖的城市社区 Urban covered", lambda r: r.urban_covered_areas, "int"),
    ("城市社区覆盖率 Urban coverage", lambda r: r.urban_coverage, "share"),
)


def file_name(result: Coverage, extension: str) -> str:
    return f"coverage-{result.division.code}-{result.computed_on.isoformat()}.{extension}"


def header_lines(result: Coverage) -> list[list[Any]]:
    """Title, region, date, walk and the sample warning: the first lines of every download."""
    level_zh, level_en = LEVEL_LABELS[result.division.level]
    lines: list[list[Any]] = [
        ["托育服务覆盖情况 Childcare coverage", f"{result.division.full_name}（{result.division.code}）"],
        ["级别 Level", f"{level_zh} {level_en}"],
        ["统计日期 Date", result.computed_on.isoformat()],
        ["步行范围 Walk", result.walk],
    ]
    if result.sample:
        lines.append(["注意 Note", SAMPLE_WARNING])
    return lines


def town_rows(result: Coverage) -> list[TownRow]:
    """Each town, each county's total, and (for a city or province) the region's total."""
    rows = list(result.towns)
    counties = [r for r in rows if r.town is None]
    if len(counties) > 1:
        total = TownRow(result.division.code, result.division.name, REGION_TOTAL)
        for row in counties:
            add_row(total, row)
        rows.append(total)
    return rows


def _text(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "share":
        return f"{value * 100:.2f}%"
    if kind == "rate":
        return f"{value:.2f}"
    return str(value)


def to_csv(result: Coverage) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(header_lines(result))
    writer.writerow([])
    writer.writerow([name for name, _, _ in TOWN_COLUMNS])
    for row in town_rows(result):
        writer.writerow([_text(get(row), kind) for _, get, kind in TOWN_COLUMNS])
    writer.writerow([])
    writer.writerow(["数据来源 Sources"])
    for source in result.sources:
        writer.writerow([source])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(result: Coverage) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    formats = {"share": "0.00%", "rate": "0.00", "int": "#,##0"}

    def sheet(title: str, widths: Sequence[int]) -> Any:
        ws = book.create_sheet(title)
        for i, width in enumerate(widths):
            ws.column_dimensions[_column_letter(i)].width = width
        return ws

    def cells(ws: Any, values: Sequence[Any], kinds: Sequence[str] | None = None, strong: bool = False) -> None:
        row = []
        for i, value in enumerate(values):
            cell = WriteOnlyCell(ws, value=value)
            kind = kinds[i] if kinds else "text"
            if kind in formats and value is not None:
                cell.number_format = formats[kind]
            if strong:
                cell.font = bold
            row.append(cell)
        ws.append(row)

    summary = sheet("汇总 Summary", (34, 60))
    for line in header_lines(result):
        cells(summary, line, strong=line[0].startswith("注意"))
    cells(summary, [])
    f = result.figures
    for label, value, kind in (
        ("常住人口 Population", f.population, "int"), ("社区/村 Areas", f.areas, "int"),
        ("在营机构 Active centres", f.centres, "int"), ("托位数 Places", f.places, "int"),
        ("每千人托位数 Places per 1,000", f.places_per_1000, "rate"),
        ("普惠托位 Inclusive places", f.inclusive_places, "int"),
        ("普惠托位占比 Inclusive share", f.inclusive_share, "share"),
        ("覆盖人口 Covered population", f.covered_population, "int"), ("覆盖率 Coverage", f.coverage, "share"),
        ("普惠机构覆盖率 Inclusive coverage", f.inclusive_coverage, "share"),
        ("城市社区覆盖率 Urban coverage", f.urban_coverage, "share"),
        ("社区/村覆盖率 Area coverage", f.area_coverage, "share"),
        ("新建居住区每千人托位 Places per 1,000, new areas", f.places_per_1000_new, "rate"),
        ("已建成区每千人托位 Places per 1,000, old areas", f.places_per_1000_old, "rate"),
        ("乡镇/街道 Towns", f.towns, "int"), ("无普惠机构的乡镇 Towns without an inclusive centre",
                                            f.towns_without_inclusive, "int"),
    ):
        cells(summary, [label, value], ["text", kind])

    towns = sheet("乡镇与区县 Towns & counties", [14, 14, 22] + [14] * (len(TOWN_COLUMNS) - 3))
    cells(towns, [name for name, _, _ in TOWN_COLUMNS], strong=True)
    for row in town_rows(result):
        cells(towns, [get(row) for _, get, _ in TOWN_COLUMNS], [kind for _, _, kind in TOWN_COLUMNS],
              strong=row.town is None)

    targets = sheet("目标 Targets", (30, 12, 12, 10, 12, 40, 60, 16))
    cells(targets, ["目标 Target", "实际 Value", "目标值 Target", "达标 Met", "期限 By", "单位 Unit", "依据 Source",
                    "适用地区 Set by"], strong=True)
    for check in result.targets:
        t = check.target
        kind = "share" if t.measure in SHARES else "int" if t.measure is Measure.towns_without_inclusive else "rate"
        met = {True: "是 yes", False: "否 no", None: "—"}[check.met]
        cells(targets, [t.name.zh, check.value, t.figure, met, t.by.isoformat() if t.by else "",
                        t.unit.zh + ("（推定 inferred）" if t.unit_inferred else ""), t.source, check.applies_to[1]],
              ["text", kind, kind, "text", "text", "text", "text", "text"])
    for u in result.not_measured:
        cells(targets, [u.name.zh, None, u.figure, "未测 not measured", u.by.isoformat() if u.by else "",
                        u.reason.zh, u.source, u.region_name])

    gaps = sheet("缺口 Gaps", (18, 24, 16, 14, 14, 16))
    cells(gaps, ["编号 ID", "名称 Name", "乡镇 Town", "常住人口 Population", "3岁以下 Under 3",
                 "最近机构（米）Nearest (m)"], strong=True)
    for gap in result.gap_list(None):
        a = gap.area
        cells(gaps, [a.id, a.name, a.town, a.population, a.under3,
                     None if gap.nearest_m == float("inf") else round(gap.nearest_m)],
              ["text", "text", "text", "int", "int", "int"])

    sites = sheet("建议选址 Suggestions", (8, 12, 12, 24, 14, 14, 14, 16))
    cells(sites, ["序号 No.", "纬度 Lat", "经度 Lon", "位于 Near", "新增覆盖人口 Adds people",
                  "其中3岁以下 Adds under 3", "新增覆盖社区 Adds areas", "之后覆盖率 Coverage after"], strong=True)
    for number, s in enumerate(result.suggestions, start=1):
        cells(sites, [number, round(s.lat, 6), round(s.lon, 6), s.near.name, s.adds_population, s.adds_under3,
                      s.adds_areas, s.coverage_after], ["int", "text", "text", "text", "int", "int", "int", "share"])

    areas = sheet("区域 Areas", (18, 24, 16, 10, 12, 10, 8, 8, 10, 10, 16))
    basis = "每千名3岁以下儿童" if result.accessibility_basis == "under3" else "每千人"
    cells(areas, ["编号 ID", "名称 Name", "乡镇 Town", "区县代码 County", "常住人口 Population", "3岁以下 Under 3",
                  "城市 Urban", "新建 New", "已覆盖 Covered", "普惠覆盖 Inclusive", f"可达托位（{basis}，2SFCA）"],
          strong=True)
    flag = {True: "是", False: "否", None: ""}
    for i, a in enumerate(result.areas):
        cells(areas, [a.id, a.name, a.town, a.district_code, a.population, a.under3, flag[a.urban], flag[a.new_area],
                      flag[bool(result.covered[i])], flag[bool(result.inclusive_covered[i])],
                      round(float(result.accessibility[i]), 2)],
              ["text", "text", "text", "text", "int", "int", "text", "text", "text", "text", "rate"])

    sources = sheet("来源 Sources", (120,))
    cells(sources, ["数据来源 Sources"], strong=True)
    for source in result.sources:
        cells(sources, [source])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
