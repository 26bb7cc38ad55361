"""Population files (CSV and .xlsx), the areas table on both stores, regions and the targets files."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine

from geodata.coverage_report import to_csv, to_xlsx
from geodata.divisions import Divisions, Level, UnknownDivision
from geodata.gazetteer import default_gazetteer
from geodata.index import StraightLineWalker
from geodata.planning import Planner
from geodata.population import read_population_file
from geodata.registry import Registry
from geodata.store import load_areas, population_version, upsert_areas
from geodata.tables import UnusableFile
from geodata.targets import TargetError, bundled_targets, load_region
from geodata.walk import WalkModel
from tests.geodata.factories import make_centre

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "geodata" / "data" / "sample_population.csv"
SEEDS = Path(os.environ.get("CARECIRCLE_SEEDS_DIR", ROOT.parent / "shared" / "seeds"))  # as CI sets it
GOOD = """编号,名称,纬度,经度,常住人口,3岁以下,行政区划代码,乡镇,城乡,新建小区
P-1,天骄社区,39.596191,109.758208,8200,190,150627,阿勒腾席热镇,城市,否
P-2,掌岗图村,39.55,109.73,900,,150627,阿勒腾席热镇,农村,
"""


def county_of(lat: float, lon: float) -> tuple[str, str] | None:
    county = default_gazetteer().county_at(lat, lon)
    return (county.code, county.name) if county else None


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def workbook(tmp_path: Path, rows: list[list[object]], blank_top: int = 0) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for _ in range(blank_top):
        sheet.append([])
    for row in rows:
        sheet.append(row)
    path = tmp_path / "population.xlsx"
    book.save(path)
    return path


def test_chinese_headers_and_values_are_read(tmp_path: Path) -> None:
    report = read_population_file(write(tmp_path, "p.csv", GOOD))
    assert report.as_json() == {"accepted": 2, "rejected": [], "warnings": []}
    first, second = report.accepted
    assert (first.population, first.under3, first.urban, first.new_area, first.town) == (8200, 190, True, False,
                                                                                         "阿勒腾席热镇")
    assert (second.urban, second.under3, second.new_area, second.source) == (False, None, None, "p.csv")


def test_bad_rows_are_named_by_row_and_field_and_never_stop_good_ones(tmp_path: Path) -> None:
    text = GOOD + ("P-3,反了,39.6,29.75,100,,150627,,,\n"
                   "P-4,多了,39.6,109.76,100,300,150627,,,\n"
                   "P-5,缺人口,39.6,109.76,,,15062,,也许,\n"
                   "P-1,重复,39.6,109.76,10,,150627,,,\n")
    report = read_population_file(write(tmp_path, "p.csv", text))
    assert len(report.accepted) == 2
    rejected = {r.row: [str(e) for e in r.errors] for r in report.rejected}
    assert list(rejected) == [4, 5, 6, 7]
    assert any("lat/lon" in e and "填反" in e for e in rejected[4])
    assert any(e.startswith("under3:") for e in rejected[5])
    fields = {e.split(":")[0] for e in rejected[6]}
    assert fields == {"population", "district_code", "urban"}
    assert "第 2 行重复" in rejected[7][0]


def test_a_missing_county_is_inferred_with_a_warning(tmp_path: Path) -> None:
    text = "id,name,lat,lon,population\nQ-1,天骄社区,39.596191,109.758208,8200\nQ-2,海上,20.0,125.0,5\n"
    report = read_population_file(write(tmp_path, "p.csv", text), county_of=county_of)
    assert [a.district_code for a in report.accepted] == ["150627", None]
    assert [(w.row, w.field) for w in report.warnings] == [(2, "district_code"), (3, "district_code")]
    assert "150627" in report.warnings[0].message and "伊金霍洛旗" in report.warnings[0].message


def test_xlsx_rows_are_numbered_as_excel_shows_them(tmp_path: Path) -> None:
    rows: list[list[object]] = [["编号", "名称", "纬度", "经度", "常住人口", "行政区划代码", "城镇"],
                                ["X-1", "社区一", 39.6, 109.76, 5000, 150627, True],
                                [None, None, None, None, None, None, None],
                                ["X-2", "社区二", 39.6, 109.76, "很多", 150627, "否"]]
    report = read_population_file(workbook(tmp_path, rows, blank_top=2))
    assert [a.id for a in report.accepted] == ["X-1"]
    assert report.accepted[0].district_code == "150627" and report.accepted[0].urban is True  # 150627.0 read right
    assert [r.row for r in report.rejected] == [6]  # header on Excel's row 3, a blank row skipped
    assert report.rejected[0].errors[0].field == "population"


def test_an_unusable_file_stores_nothing(tmp_path: Path) -> None:
    with pytest.raises(UnusableFile, match="population"):
        read_population_file(write(tmp_path, "p.csv", "id,name,lat,lon\nA,B,39.6,109.7\n"))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04not really a workbook")
    with pytest.raises(UnusableFile, match="xlsx"):
        read_population_file(broken)
    with pytest.raises(UnusableFile, match="无法读取"):
        read_population_file(tmp_path / "missing.csv")


def test_the_bundled_sample_is_marked_and_plausible() -> None:
    report = read_population_file(SAMPLE)
    assert report.rejected == [] and len(report.accepted) >= 60
    assert all(a.id.startswith("SAMPLE-") and a.is_sample and a.name.endswith("（示例）") for a in report.accepted)
    assert {a.district_code for a in report.accepted} == {"150627", "150625", "140802", "510802"}
    assert all(a.under3 is not None and 0.015 <= a.under3 / a.population <= 0.035 for a in report.accepted)


def test_areas_round_trip_on_both_stores_and_bump_the_version(store: Engine, tmp_path: Path) -> None:
    areas = read_population_file(write(tmp_path, "p.csv", GOOD)).accepted
    before = population_version(store)
    assert upsert_areas(store, areas) == 2
    assert population_version(store) == before + 1
    loaded = load_areas(store)
    assert [(a.id, a.population, a.urban, a.under3, a.new_area, a.source) for a in loaded] == [
        ("P-1", 8200, True, 190, False, "p.csv"), ("P-2", 900, False, None, None, "p.csv")]
    changed = read_population_file(write(tmp_path, "q.csv", GOOD.replace("8200", "8300"))).accepted
    upsert_areas(store, changed)
    assert [a.population for a in load_areas(store)] == [8300, 900]


def test_the_planner_computes_and_caches_per_version_on_both_stores(store: Engine, tmp_path: Path) -> None:
    registry = Registry(store, StraightLineWalker(WalkModel()))
    registry.save([make_centre(lat=39.5965, lon=109.7585, district_code="150627", capacity=40)])
    planner = Planner(store, registry, default_gazetteer())
    planner.save(read_population_file(write(tmp_path, "p.csv", GOOD)).accepted)
    first = planner.coverage("伊金霍洛旗")
    assert (first.figures.covered_areas, first.figures.places, first.minutes) == (1, 40, 15)
    assert planner.coverage("150627") is first  # cached
    registry.save([make_centre(lat=39.551, lon=109.731, district_code="150627", capacity=10)])
    second = planner.coverage("150627")
    assert second is not first and second.figures.covered_areas == 2
    assert [r["code"] for r in planner.regions()] == ["150000", "150600", "150627"]
    assert any("伊政办发〔2024〕28号" in s for s in second.sources)
    assert to_csv(second)[:3] == b"\xef\xbb\xbf" and to_xlsx(second)[:2] == b"PK"


def test_regions_by_code_and_name() -> None:
    divisions = Divisions.from_gazetteer(default_gazetteer())
    assert divisions.resolve("运城").code == "140800" and divisions.resolve("运城").level is Level.city
    assert divisions.resolve("广元市").code == "510800"
    assert divisions.resolve("伊旗").code == "150627"
    assert divisions.resolve("内蒙古").level is Level.province
    city = divisions.resolve("140800")
    assert city.contains("140802") and not city.contains("140702") and not city.contains(None)
    with pytest.raises(UnknownDivision, match=r"110105.*220104"):
        divisions.resolve("朝阳区")
    with pytest.raises(UnknownDivision, match="150627"):
        divisions.resolve("伊金霍罗旗")


def test_the_targets_carry_their_documents_and_the_inferred_unit() -> None:
    book = bundled_targets()
    assert sorted(book.regions) == ["140800", "150625", "150627", "510800"]
    ejin = {t.measure.value: t for t in book.regions["150627"].targets}
    assert (ejin["urban_coverage"].figure, ejin["places_per_1000"].figure, ejin["inclusive_share"].figure) == (
        0.85, 4.86, 0.40)
    assert ejin["places_per_1000"].unit_inferred and "推定" in ejin["places_per_1000"].unit.zh
    assert all(not t.unit_inferred for m, t in ejin.items() if m != "places_per_1000")
    yuncheng = {t.measure.value: t.figure for t in book.regions["140800"].targets}
    assert (yuncheng["places_per_1000_new"], yuncheng["places_per_1000_old"]) == (6, 5)
    guangyuan = {t.measure.value: t.figure for t in book.regions["510800"].targets}
    assert (guangyuan["places_per_1000_new"], guangyuan["places_per_1000_old"]) == (10, 8)
    assert [t.figure for t in book.regions["150625"].targets] == [0.20, 0.60]


def seed_text() -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed documents are not at {SEEDS}")
    return re.sub(r"\s+", "", "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))))


def test_every_quote_and_document_number_is_in_the_seeds() -> None:
    text = seed_text()
    for region in bundled_targets().regions.values():
        for item in [*region.targets, *region.not_measured]:
            for part in re.split(r"……|（\d{4}年）|、\d+%以上（\d{4}年）", re.sub(r"\s+", "", item.quote)):
                assert part in text, (region.code, part)
            number = re.sub(r"\s+", "", item.document.number)
            assert number in text, number


def test_a_bad_targets_file_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "150627.yaml"
    path.write_text("code: '150627'\nname: 伊金霍洛旗\ndocuments: {}\ntargets:\n  - measure: coverage\n"
                    "    name: {zh: 覆盖率, en: coverage}\n    document: nope\n    article: 一\n    quote: 原文\n"
                    "    figure: 0.5\n    unit: {zh: 比例, en: share}\n", encoding="utf-8")
    with pytest.raises(TargetError, match=r"150627\.yaml.*unknown document 'nope'"):
        load_region(path)
    path.write_text(path.read_text(encoding="utf-8").replace("figure: 0.5", "figure: 85"), encoding="utf-8")
    with pytest.raises(TargetError, match="share"):
        load_region(path)
    other = tmp_path / "150625.yaml"
    other.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(TargetError, match="does not match"):
        load_region(other)


def test_cell_text_reads_numbers_as_clerks_typed_them() -> None:
    from datetime import date, datetime

    from geodata.tables import cell_text

    assert [cell_text(v) for v in (150627.0, 39.6, True, None, date(2024, 5, 9), datetime(2024, 5, 9))] == [
        "150627", "39.6", "true", "", "2024-05-09", "2024-05-09"]
