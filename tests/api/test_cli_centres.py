"""The contract's `centres import` and `centres nearest`, run as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geodata.crs import from_wgs84

DATA = Path(__file__).parents[1] / "data"
GOOD = DATA / "registry_good.csv"


def imported(cli, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = cli("centres", "import", *args, "--json")
    return {"exit": result.exit_code, **json.loads(result.stdout)}


def nearest(cli, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = cli("centres", "nearest", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_import_accepts_every_good_row(cli) -> None:  # type: ignore[no-untyped-def]
    assert imported(cli, str(GOOD)) == {"exit": 0, "accepted": 4, "rejected": [], "warnings": []}


def test_bad_rows_are_reported_by_row_number_and_good_rows_still_land(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = GOOD.read_text(encoding="utf-8").splitlines()
    bad = [*lines[:2], "T-009,坏数据,某地,39.6,109.76,150627,nursery,true,active,,,,,,,,,,,", lines[2], lines[1]]
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join(bad) + "\n", encoding="utf-8")
    report = imported(cli, str(path))
    assert report["exit"] == 1
    assert report["accepted"] == 2
    assert [(r["row"], r["id"]) for r in report["rejected"]] == [(3, "T-009"), (5, "T-001")]
    assert "kind" in report["rejected"][0]["errors"][0]
    assert "T-001" in report["rejected"][1]["errors"][0]
    assert {r["id"] for r in nearest(cli, "--lat", "39.6", "--lon", "109.76")["results"]} == {"T-001", "T-002"}


def test_missing_required_column_makes_the_file_unusable_and_stores_nothing(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "no_status.csv"
    path.write_text("id,name,address,lat,lon,district_code,kind,inclusive\nX,n,a,39.6,109.76,150627,centre,true\n",
                    encoding="utf-8")
    result = cli("centres", "import", str(path), "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "status" in result.stderr
    assert nearest(cli, "--lat", "39.6", "--lon", "109.76")["results"] == []


def test_unreadable_file_exits_2(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = cli("centres", "import", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert "nope.csv" in result.stderr


def test_dry_run_checks_but_stores_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    assert imported(cli, str(GOOD), "--dry-run") == {"exit": 0, "accepted": 4, "rejected": [], "warnings": []}
    assert nearest(cli, "--lat", "39.6", "--lon", "109.76")["results"] == []


def test_import_upserts_by_id(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    imported(cli, str(GOOD))
    path = tmp_path / "update.csv"
    text = GOOD.read_text(encoding="utf-8").replace("T-001,测试托育园", "T-001,测试托育园（新址）")
    path.write_text(text, encoding="utf-8")
    imported(cli, str(path))
    result = cli("centres", "show", "T-001", "--json")
    assert json.loads(result.stdout)["name"] == "测试托育园（新址）"


def test_chinese_headers_values_and_gb18030(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "卫健委备案名单.csv"
    path.write_bytes(
        "备案编号,机构名称,地址,纬度,经度,行政区划代码,机构类型,是否普惠,状态,托育形式\n"
        "C-1,金色童年托育中心,天骄路,39.6005,109.7600,150627,托育机构,是,正常,全日托、计时托\n"
        .encode("gb18030"))
    assert imported(cli, str(path)) == {"exit": 0, "accepted": 1, "rejected": [], "warnings": []}
    shown = json.loads(cli("centres", "show", "C-1", "--json").stdout)
    assert (shown["kind"], shown["inclusive"], shown["modes"]) == ("centre", True, ["full_day", "hourly"])


def test_geojson_import_numbers_features(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    props = {"name": "几何托育园", "address": "某路", "district_code": "150627", "kind": "centre",
             "inclusive": True, "status": "active"}
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [109.76, 39.6]},
         "properties": {**props, "id": "G-1"}},
        {"type": "Feature", "geometry": None, "properties": {**props, "id": "G-2"}},
    ]}
    path = tmp_path / "list.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    report = imported(cli, str(path))
    assert (report["exit"], report["accepted"]) == (1, 1)
    assert [(r["row"], r["id"]) for r in report["rejected"]] == [(2, "G-2")]


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_import_converts_chinese_map_coordinates_to_wgs84(cli, tmp_path, crs: str) -> None:  # type: ignore[no-untyped-def]
    lat, lon = from_wgs84(39.6010, 109.7610, crs)
    path = tmp_path / f"{crs}.csv"
    path.write_text("id,name,address,lat,lon,district_code,kind,inclusive,status\n"
                    f"M-1,地图坐标托育园,某路,{lat},{lon},150627,centre,true,active\n", encoding="utf-8")
    imported(cli, str(path), "--crs", crs)
    shown = json.loads(cli("centres", "show", "M-1", "--json").stdout)
    assert shown["lat"] == pytest.approx(39.6010, abs=1e-7)
    assert shown["lon"] == pytest.approx(109.7610, abs=1e-7)


def test_nearest_follows_the_contract(cli) -> None:  # type: ignore[no-untyped-def]
    imported(cli, str(GOOD))
    answer = nearest(cli, "--lat", "39.6", "--lon", "109.76")
    assert answer["origin"] == {"lat": 39.6, "lon": 109.76}
    assert answer["minutes"] == 15
    ids = [r["id"] for r in answer["results"]]
    assert ids == ["T-001", "T-002", "T-003"]  # the suspended centre is never offered
    first = answer["results"][0]
    assert set(first) >= {"id", "name", "address", "lat", "lon", "kind", "inclusive", "distance_m", "walk_minutes"}
    assert first["walk_minutes"] == pytest.approx(first["distance_m"] * 1.25 / 75, abs=0.01)
    inclusive = nearest(cli, "--lat", "39.6", "--lon", "109.76", "--inclusive", "--limit", "1")
    assert [r["id"] for r in inclusive["results"]] == ["T-001"]


def test_nearest_honours_minutes(cli) -> None:  # type: ignore[no-untyped-def]
    imported(cli, str(GOOD))
    answer = nearest(cli, "--lat", "39.6", "--lon", "109.76", "--minutes", "5")
    assert [r["id"] for r in answer["results"]] == ["T-001"]
    assert all(r["walk_minutes"] <= 5 for r in answer["results"])


@pytest.mark.parametrize("args", [
    ["--lat", "91", "--lon", "109"], ["--lat", "39", "--lon", "181"],
    ["--lat", "39", "--lon", "109", "--minutes", "0"], ["--lat", "39", "--lon", "109", "--minutes", "61"],
    ["--lat", "39", "--lon", "109", "--limit", "0"], ["--lat", "39", "--lon", "109", "--limit", "101"],
])
def test_nearest_refuses_bad_input_with_exit_2(cli, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = cli("centres", "nearest", *args, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""


def test_walking_model_comes_from_the_environment(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    imported(cli, str(GOOD))
    monkeypatch.setenv("CARECIRCLE_WALK_SPEED_KMH", "3.0")
    monkeypatch.setenv("CARECIRCLE_DETOUR_FACTOR", "1.5")
    answer = nearest(cli, "--lat", "39.6", "--lon", "109.76")
    first = answer["results"][0]
    assert first["walk_minutes"] == pytest.approx(first["distance_m"] * 1.5 / 50, abs=0.01)
    assert [r["id"] for r in answer["results"]] == ["T-001"]  # 15 min is now 500 m: T-002 (581 m) drops out


def test_malformed_geojson_properties_reject_that_feature_only(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    props = {"id": "G-1", "name": "几何托育园", "address": "某路", "district_code": "150627", "kind": "centre",
             "inclusive": True, "status": "active"}
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [109.76, 39.6]}, "properties": props},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [109.76, 39.6]}, "properties": [1]},
        "not a feature",
    ]}
    path = tmp_path / "odd.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    report = imported(cli, str(path))
    assert (report["exit"], report["accepted"]) == (1, 1)
    assert [r["row"] for r in report["rejected"]] == [2, 3]


def test_a_huge_csv_field_rejects_its_row_and_keeps_the_others(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = GOOD.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "huge.csv"
    path.write_text("\n".join([lines[0], 'X,"' + "托" * 200_000 + '",a,39.6,109.76,150627,centre,true,active',
                               *lines[1:]]) + "\n", encoding="utf-8")
    report = imported(cli, str(path))
    assert (report["exit"], report["accepted"]) == (1, 4)
    assert [(r["row"], r["id"]) for r in report["rejected"]] == [(2, "X")]
    assert "200000" in report["rejected"][0]["errors"][0]


def test_excel_import_has_the_same_headers_values_and_row_errors_as_csv(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import datetime

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["伊金霍洛旗托育机构备案名单（2025年）"])  # a title above the header, as lists often have
    sheet.append(["备案编号", "机构名称", "地址", "纬度", "经度", "行政区划代码", "机构类型", "是否普惠", "状态",
                  "托位数", "空余托位", "备案日期", "统一社会信用代码"])
    sheet.append(["X-1", "金色童年托育中心", "天骄路", 39.6005, 109.76, 150627, "托育机构", "是", "正常", 40, 5,
                  datetime.date(2023, 5, 10), "91330100716105852F"])
    sheet.append(["X-2", "彩虹托育园", "文明路", 39.601, 109.761, 150627, "幼教中心", "否", "正常", 20, 2, None, None])
    sheet.append(["X-3", "小太阳托育园", "文明路", 39.602, 109.762, 150627, "托育机构", "否", "撤销备案", 20, 2,
                  "2026-13-01", 914403001922038216])
    path = tmp_path / "名单.xlsx"
    book.save(path)
    report = imported(cli, str(path))
    assert (report["exit"], report["accepted"]) == (1, 2)
    assert [(r["row"], r["id"]) for r in report["rejected"]] == [(4, "X-2")]  # Excel's own row number
    assert report["rejected"][0]["errors"][0].startswith("机构类型：“幼教中心”无法识别，可选：托育机构")
    assert [(w["row"], w["field"]) for w in report["warnings"]] == [(5, "filed_on"), (5, "credit_code")]
    assert "月份 13 不存在" in report["warnings"][0]["message"]
    assert "位数已经丢失" in report["warnings"][1]["message"]
    shown = json.loads(cli("centres", "show", "X-1", "--json").stdout)
    assert (shown["district_code"], shown["filed_on"], shown["credit_code"], shown["capacity"]) == (
        "150627", "2023-05-10", "91330100716105852F", 40)
    assert json.loads(cli("centres", "show", "X-3", "--json").stdout)["status"] == "revoked"


def test_sample_rows_stay_sample_data_in_any_store(cli) -> None:  # type: ignore[no-untyped-def]
    from api.cli.service import SAMPLE_REGISTRY

    report = imported(cli, str(SAMPLE_REGISTRY))  # a real store, no --sample flag anywhere
    assert report["exit"] == 0 and report["warnings"] == []
    shown = json.loads(cli("centres", "show", "SAMPLE-150627-001", "--json").stdout)
    assert shown["is_sample"] is True
    answer = cli("chat", "--json", input="小星星托育园备案了吗\n")
    assert "示例" in json.loads(answer.stdout.splitlines()[0])["text"]


def test_import_history_records_changes_of_standing(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    imported(cli, str(GOOD))
    changed = tmp_path / "changed.csv"
    text = GOOD.read_text(encoding="utf-8").replace("150627,centre,true,active", "150627,centre,true,revoked", 1)
    changed.write_text(text, encoding="utf-8")
    imported(cli, str(changed))
    shown = json.loads(cli("centres", "show", "T-001", "--json").stdout)
    assert shown["status"] == "revoked" and shown["offered"] is False
    assert [r["id"] for r in nearest(cli, "--lat", "39.6", "--lon", "109.76")["results"]] == ["T-002", "T-003"]


def test_centre_tokens_name_their_centres(cli) -> None:  # type: ignore[no-untyped-def]
    imported(cli, str(GOOD))
    made = cli("tokens", "create", "--name", "园长", "--role", "centre", "--centre", "T-001", "--centre", "T-002",
               "--json")
    assert made.exit_code == 0 and json.loads(made.stdout)["centres"] == ["T-001", "T-002"]
    assert cli("tokens", "create", "--name", "x", "--role", "centre").exit_code == 2
    assert cli("tokens", "create", "--name", "y", "--role", "centre", "--centre", "NOPE").exit_code == 2
    assert cli("tokens", "create", "--name", "z", "--role", "health_staff", "--centre", "T-001").exit_code == 2
    listed = json.loads(cli("tokens", "list", "--json").stdout)["tokens"]
    assert listed[0]["centres"] == ["T-001", "T-002"]


def test_demo_prints_a_token_per_role_and_the_database_url(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from api.cli.service import SAMPLE_REGISTRY, demo_tokens
    from api.services import build_services
    from api.settings import Settings
    from geodata.upkeep import import_file

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    services = build_services(Settings(database_url=url))
    import_file(services.registry, SAMPLE_REGISTRY, is_sample=True)
    text = demo_tokens(services, url)
    for role in ("health_staff", "registry_admin", "community_worker", "centre"):
        assert f"  {role} " in text
    assert f"CARECIRCLE_DATABASE_URL={url}" in text and text.count(" cc_") == 4
    services.engine.dispose()
