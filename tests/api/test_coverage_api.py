"""The contract's `population import`, `coverage` and `GET /api/admin/coverage`, the downloads and the map."""

from __future__ import annotations

import io
import json
import random
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from python_calamine import CalamineWorkbook
from sqlalchemy import Engine

from api.app import create_app
from api.auth import create_token
from api.cli.service import SAMPLE_POPULATION, SAMPLE_REGISTRY
from api.services import build_services
from api.settings import Settings
from api.svgmap import MAX_DOTS, coverage_map
from geodata.coverage import compute_coverage
from geodata.divisions import Division, Level
from geodata.importer import read_registry_file
from geodata.index import StraightLineWalker
from geodata.population import Area
from geodata.walk import WalkModel
from tests.geodata.factories import make_centre, point_at

SVG = "{http://www.w3.org/2000/svg}"
CONTRACT_KEYS = ["region", "minutes", "population", "areas", "places", "places_per_1000", "inclusive_places",
                 "inclusive_share", "covered_areas", "covered_population", "coverage", "urban_areas",
                 "urban_covered_areas", "urban_coverage", "targets", "gaps", "suggestions"]


def cli_json(cli, *args: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    result = cli(*args, "--json")
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else {}


def loaded(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("centres", "import", str(SAMPLE_REGISTRY)).exit_code == 0
    assert cli("population", "import", str(SAMPLE_POPULATION)).exit_code == 0


# --- command line --------------------------------------------------------------------------------------------


def test_population_import_reports_rows_like_centres_import(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.csv"
    path.write_text("id,name,lat,lon,population,district_code\nA,甲,39.6,109.76,100,150627\n"
                    "B,乙,39.6,109.76,-5,150627\nC,丙,39.6,109.76,7,\n", encoding="utf-8")
    code, report = cli_json(cli, "population", "import", str(path), "--dry-run")
    assert code == 1 and report["accepted"] == 2
    assert [(r["row"], r["id"]) for r in report["rejected"]] == [(3, "B")]
    assert report["rejected"][0]["errors"][0].startswith("population:")
    assert [(w["row"], w["field"]) for w in report["warnings"]] == [(4, "district_code")]
    code, result = cli_json(cli, "coverage", "--region", "150627")
    assert code == 0 and result["areas"] == 0  # the dry run stored nothing
    code, _ = cli_json(cli, "population", "import", str(path))
    code, result = cli_json(cli, "coverage", "--region", "150627")
    assert result["areas"] == 2  # C was placed in 150627 by its point


def test_an_unusable_population_file_exits_2_and_stores_nothing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.csv"
    path.write_text("id,name,lat\nA,甲,39.6\n", encoding="utf-8")
    result = cli("population", "import", str(path), "--json")
    assert result.exit_code == 2 and result.stdout == ""
    assert "lon" in result.stderr and "population" in result.stderr and "Traceback" not in result.stderr


def test_coverage_json_has_the_contract_keys_in_order(cli) -> None:  # type: ignore[no-untyped-def]
    loaded(cli)
    code, result = cli_json(cli, "coverage", "--region", "伊金霍洛旗")
    assert code == 0
    assert list(result)[:len(CONTRACT_KEYS)] == CONTRACT_KEYS
    assert result["region"] == {"code": "150627", "name": "伊金霍洛旗"} and result["minutes"] == 15
    assert result["sample"] is True
    names = {t["name"]: t for t in result["targets"]}
    assert set(names) == {"城市社区托育服务覆盖率", "每千人口托位数", "普惠托位占比"}
    per_1000 = names["每千人口托位数"]
    assert per_1000["target"] == 4.86 and per_1000["unit_inferred"] is True
    assert per_1000["source"].startswith("伊政办发〔2024〕28号")
    assert per_1000["value"] == result["places_per_1000"] and per_1000["met"] == (per_1000["value"] >= 4.86)
    assert {"id", "name", "population", "nearest_m"} <= set(result["gaps"][0])
    assert {"lat", "lon", "adds_population", "adds_areas"} <= set(result["suggestions"][0])
    assert [g["population"] for g in result["gaps"]] == sorted((g["population"] for g in result["gaps"]), reverse=True)


def test_coverage_of_a_city_applies_its_targets_to_new_and_old_areas(cli) -> None:  # type: ignore[no-untyped-def]
    loaded(cli)
    code, result = cli_json(cli, "coverage", "--region", "运城", "--minutes", "20", "--sites", "2")
    assert code == 0 and result["region"]["code"] == "140800" and result["minutes"] == 20
    measures = [t["measure"] for t in result["targets"]]
    assert measures == ["places_per_1000", "places_per_1000_new", "places_per_1000_old", "towns_without_inclusive"]
    assert len(result["suggestions"]) <= 2
    _, county = cli_json(cli, "coverage", "--region", "盐湖区")
    assert {t["applies_to"]["code"] for t in county["targets"]} == {"140800"}  # the city's targets, marked so


def test_unknown_region_and_bad_minutes_are_clear_errors(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("coverage", "--region", "伊金霍罗旗", "--json")
    assert result.exit_code == 2 and result.stdout == ""
    assert "--region" in result.stderr and "150627" in result.stderr and "Traceback" not in result.stderr
    result = cli("coverage", "--region", "150627", "--minutes", "0")
    assert result.exit_code == 2
    result = cli("coverage", "--region", "150627", "--output", "report.pdf")
    assert result.exit_code == 2 and ".xlsx" in result.stderr


def test_coverage_writes_the_report(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    loaded(cli)
    out = tmp_path / "report.xlsx"
    result = cli("coverage", "--region", "150627", "--output", str(out))
    assert result.exit_code == 0 and "城市社区 urban areas" in result.stdout
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names[:3] == ["汇总 Summary", "乡镇与区县 Towns & counties", "目标 Targets"]
    towns = book.get_sheet_by_name("乡镇与区县 Towns & counties").to_python()
    assert towns[0][:4] == ["区县代码 County code", "区县 County", "乡镇/街道 Town", "社区/村 Areas"]
    assert [row[2] for row in towns[1:]] == ["阿勒腾席热镇", "（区县合计 county total）"]
    csv_out = tmp_path / "report.csv"
    assert cli("coverage", "--region", "150627", "--output", str(csv_out)).exit_code == 0
    text = csv_out.read_text(encoding="utf-8-sig")
    assert "统计日期 Date" in text and "数据来源 Sources" in text and "SAMPLE DATA" in text


# --- HTTP ----------------------------------------------------------------------------------------------------


@pytest_asyncio.fixture
async def client(sqlite_store: Engine) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, dict[str, str]]]]:
    settings = Settings(database_url="sqlite://", rate_limit_per_minute=0)
    services = build_services(settings, engine=sqlite_store)
    services.registry.save(read_registry_file(SAMPLE_REGISTRY, is_sample=True).accepted)
    services.planner.save(services.planner.read_file(SAMPLE_POPULATION, is_sample=True).accepted)
    tokens = {role: {"Authorization": f"Bearer {create_token(sqlite_store, role, role)}"}
              for role in ("health_staff", "registry_admin", "community_worker")}
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c, tokens


ROUTES = ["/api/admin/coverage?region=150627", "/api/admin/coverage/regions",
          "/api/admin/coverage/map.svg?region=150627", "/api/admin/coverage.xlsx?region=150627",
          "/api/admin/coverage.csv?region=150627"]


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ROUTES)
async def test_only_health_staff_may_see_coverage(client, path: str) -> None:  # type: ignore[no-untyped-def]
    c, tokens = client
    assert (await c.get(path)).status_code == 401
    assert (await c.get(path, headers={"Authorization": "Bearer cc_nope"})).status_code == 401
    assert (await c.get(path, headers=tokens["registry_admin"])).status_code == 403
    assert (await c.get(path, headers=tokens["community_worker"])).status_code == 403
    assert (await c.get(path, headers=tokens["health_staff"])).status_code == 200


@pytest.mark.asyncio
async def test_the_api_answers_what_the_cli_prints(client, cli) -> None:  # type: ignore[no-untyped-def]
    c, tokens = client
    answer = (await c.get("/api/admin/coverage", params={"region": "150627", "minutes": 15},
                          headers=tokens["health_staff"])).json()
    loaded(cli)
    _, printed = cli_json(cli, "coverage", "--region", "150627", "--minutes", "15")
    assert list(answer)[:len(CONTRACT_KEYS)] == CONTRACT_KEYS
    for key in CONTRACT_KEYS:
        assert answer[key] == printed[key], key


@pytest.mark.asyncio
async def test_bad_parameters_get_422_naming_the_field(client) -> None:  # type: ignore[no-untyped-def]
    c, tokens = client
    staff = tokens["health_staff"]
    unknown = await c.get("/api/admin/coverage", params={"region": "朝阳区"}, headers=staff)
    assert unknown.status_code == 422 and "110105" in unknown.text and "region" in unknown.text
    assert (await c.get("/api/admin/coverage", params={"region": "150627", "minutes": 61},
                        headers=staff)).status_code == 422
    assert (await c.get("/api/admin/coverage", headers=staff)).status_code == 422


@pytest.mark.asyncio
async def test_downloads_are_named_dated_and_readable(client) -> None:  # type: ignore[no-untyped-def]
    c, tokens = client
    staff = tokens["health_staff"]
    xlsx = await c.get("/api/admin/coverage.xlsx", params={"region": "伊旗"}, headers=staff)
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert xlsx.headers["content-disposition"].startswith('attachment; filename="coverage-150627-')
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    summary = book.get_sheet_by_name("汇总 Summary").to_python()
    assert summary[0][1] == "内蒙古自治区鄂尔多斯市伊金霍洛旗（150627）"
    assert any(row[0] == "注意 Note" and "SAMPLE" in row[1] for row in summary)
    sources = [row[0] for row in book.get_sheet_by_name("来源 Sources").to_python()]
    assert any("伊政办发〔2024〕28号" in s for s in sources) and any("sample_population.csv" in s for s in sources)
    csv = await c.get("/api/admin/coverage.csv", params={"region": "510800"}, headers=staff)
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("托育服务覆盖情况 Childcare coverage,四川省广元市（510800）")
    assert any(line.startswith("510802,利州区,（区县合计 county total）") for line in lines)


@pytest.mark.asyncio
async def test_the_map_is_svg_with_every_area_and_the_page_is_served(client) -> None:  # type: ignore[no-untyped-def]
    c, tokens = client
    svg = await c.get("/api/admin/coverage/map.svg", params={"region": "150627", "lang": "en"},
                      headers=tokens["health_staff"])
    assert svg.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(svg.text)
    data = (await c.get("/api/admin/coverage", params={"region": "150627"}, headers=tokens["health_staff"])).json()
    assert len(root.findall(f".//{SVG}circle[@class='area covered']")) == data["covered_areas"]
    assert len(root.findall(f".//{SVG}circle[@class='area uncovered']")) == data["areas"] - data["covered_areas"]
    assert len(root.findall(f".//{SVG}g[@class='site']")) == len(data["suggestions"])
    assert "Sketch map of childcare coverage" in svg.text
    page = await c.get("/admin/coverage")
    assert page.status_code == 200 and "admin-coverage.js" in page.text and "覆盖与规划" in page.text


def test_the_map_stays_readable_with_2000_areas_and_grids_beyond() -> None:
    rng = random.Random(5)
    origin = (39.6, 109.76)
    areas = [Area(f"A{i:04d}", f"社区{i}", *point_at(*origin, rng.uniform(0, 360), 12_000 * rng.random() ** 0.5),
                  rng.randint(100, 20000), "150627", urban=True) for i in range(2000)]
    centres = [make_centre(lat=lat, lon=lon, district_code="150627", capacity=50)
               for lat, lon in (point_at(*origin, rng.uniform(0, 360), rng.uniform(0, 10_000)) for _ in range(300))]
    county = Division("150627", "伊金霍洛旗", Level.county, "伊金霍洛旗")
    result = compute_coverage(county, areas, centres, StraightLineWalker(WalkModel()), 15, sites=10)
    svg = coverage_map(result)
    root = ET.fromstring(svg)
    dots = root.findall(f".//{SVG}circle[@class]")
    area_dots = [d for d in dots if d.get("class", "").startswith("area")]
    assert len(area_dots) == 2000 and root.get("data-mode") == "dots"
    size = float(root.get("width", "0"))
    for dot in area_dots:  # small, inside the picture, every one with its name on hover
        assert float(dot.get("r", "99")) <= 8
        assert 0 <= float(dot.get("cx", "-1")) <= size and 0 <= float(dot.get("cy", "-1")) <= size
        assert dot.find(f"{SVG}title") is not None
    uncovered = [i for i, d in enumerate(area_dots) if d.get("class") == "area uncovered"]
    assert uncovered == list(range(len(area_dots) - len(uncovered), len(area_dots)))  # gaps drawn on top
    assert len(svg.encode()) < 800_000
    many = compute_coverage(county, areas * 2, centres, StraightLineWalker(WalkModel()), 15, sites=0)
    assert len(many.areas) == 4000 > MAX_DOTS
    gridded = ET.fromstring(coverage_map(many))
    assert gridded.get("data-mode") == "grid" and gridded.findall(f".//{SVG}rect[@class='cell']")


def test_the_demo_loads_the_sample_population_and_prints_a_health_staff_token(
        sqlite_store: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    from api.auth import find_staff
    from api.cli.service import load_sample_population

    services = build_services(Settings(database_url="sqlite:///demo.db"), engine=sqlite_store)
    load_sample_population(services)
    said = capsys.readouterr().err
    token = next(line.strip() for line in said.splitlines() if line.strip().startswith("cc_"))
    staff = find_staff(sqlite_store, token)
    assert staff is not None and staff.role.value == "health_staff"
    assert "SAMPLE" in said and "/admin/coverage" in said and "CARECIRCLE_DATABASE_URL=sqlite:///demo.db" in said
    assert len(services.planner.areas()) == 79 and all(a.is_sample for a in services.planner.areas())
