"""The bundled gazetteer: fuzzy place lookup, and which county a point lies in."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from geodata.gazetteer import PLACE_KINDS, PLACES_CSV, County, Gazetteer, Place, core, default_gazetteer

SEED_POINTS = {
    # place: (lat, lon, county code, province code)
    "阿勒腾席热镇 (demo anchor)": (39.600, 109.760, "150627", "150000"),
    "锡尼镇": (39.824, 108.724, "150625", "150000"),
    "盐湖区 中城街道": (35.021, 110.988, "140802", "140000"),
    "利州区 嘉陵街道": (32.443, 105.816, "510802", "510000"),
}


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


def names(matches) -> list[str]:
    return [m.place.name for m in matches]


def code_at(gaz: Gazetteer, lat: float, lon: float, **options) -> str | None:
    county = gaz.county_at(lat, lon, **options)
    return county.code if county else None


@pytest.mark.parametrize(("text", "expected"), [
    ("阿勒腾席热镇", "阿勒腾席热镇"),
    ("伊金霍洛旗", "伊金霍洛旗"),
    ("西花园社区", "西花园社区"),
    ("皇泽寺", "皇泽寺"),
    ("天骄花园小区", "天骄花园小区"),
])
def test_exact_names_come_first_with_full_score(gaz, text, expected):
    best = gaz.lookup(text)[0]
    assert best.place.name == expected
    assert best.score == 100


@pytest.mark.parametrize(("text", "expected", "county"), [
    ("阿镇", "阿勒腾席热镇", "150627"),
    ("伊旗", "伊金霍洛旗", "150627"),
    ("杭旗", "杭锦旗", "150625"),
    ("成陵", "成吉思汗陵", "150627"),
    ("锡尼", "锡尼镇", "150625"),
])
def test_short_forms(gaz, text, expected, county):
    best = gaz.lookup(text)[0]
    assert (best.place.name, best.place.county_code) == (expected, county)
    assert best.matched in (text, expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("阿勒藤席热镇", "阿勒腾席热镇"),  # 藤 for 腾
    ("西花圆社区", "西花园社区"),  # 圆 for 园
    ("锡尼真", "锡尼镇"),  # 真 for 镇
    ("金桂园", "金桂苑小区"),
])
def test_typos_still_find_the_place(gaz, text, expected):
    assert names(gaz.lookup(text))[0] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("天骄小区", "天骄社区"),  # 小区 for 社区
    ("天骄", "天骄社区"),  # no ending at all
    ("育才社区", "育才社区"),
    ("天骄花园", "天骄花园小区"),  # the estate without 小区
    ("禹都花园", "禹都花园小区"),
])
def test_suffix_variations(gaz, text, expected):
    assert names(gaz.lookup(text))[0] == expected


def test_an_exact_landmark_outranks_a_community_named_after_it(gaz):
    found = gaz.lookup("皇泽寺")
    assert [(m.place.name, m.place.kind) for m in found[:2]] == [("皇泽寺", "landmark"), ("皇泽寺社区", "community")]


@pytest.mark.parametrize(("text", "expected"), [
    ("伊旗阿镇天骄社区", "天骄社区"),
    ("盐湖区西花园社区", "西花园社区"),
    ("我家在天骄花园附近", "天骄花园小区"),
])
def test_the_place_inside_a_longer_text(gaz, text, expected):
    assert names(gaz.lookup(text))[0] == expected


def test_a_match_carries_its_county_and_province(gaz):
    best = gaz.lookup("天骄社区")[0]
    assert best.county is not None and best.province is not None
    assert (best.county.code, best.county.name, best.county.city) == ("150627", "伊金霍洛旗", "鄂尔多斯市")
    assert (best.province.code, best.province.name) == ("150000", "内蒙古自治区")
    assert best.county.full_name == "内蒙古自治区鄂尔多斯市伊金霍洛旗"


def test_counties_outside_the_sample_areas_are_found_by_name(gaz):
    best = gaz.lookup("东莞")[0]
    assert (best.place.kind, best.place.county_code) == ("county", "441900")
    assert best.county is not None and best.county.full_name == "广东省东莞市"
    assert gaz.county("110105").full_name == "北京市朝阳区"


def test_nothing_close_gives_nothing(gaz):
    assert gaz.lookup("xyz") == []
    assert gaz.lookup("   ") == []
    assert gaz.lookup("阿勒藤席热镇", min_score=90) == []


def test_limit(gaz):
    assert len(gaz.lookup("朝阳", limit=2)) == 2


def test_core_drops_one_generic_ending_but_keeps_two_characters():
    assert core("天骄社区") == "天骄"
    assert core("西花园社区居民委员会") == "西花园"
    assert core("伊金霍洛旗") == "伊金霍洛"
    assert core("城区") == "城区"
    assert core("阿 镇") == "阿镇"


@pytest.mark.parametrize("label", list(SEED_POINTS))
def test_county_and_province_at_the_seed_towns(gaz, label):
    lat, lon, county, province = SEED_POINTS[label]
    found = gaz.county_at(lat, lon)
    assert found is not None and found.code == county
    assert gaz.province_for_point(lat, lon) == province


def test_county_at_elsewhere(gaz):
    assert code_at(gaz, 39.9087, 116.3975) in {"110101", "110102"}  # 天安门, between 东城 and 西城
    assert code_at(gaz, 39.606, 109.784) == "150603"  # 康巴什区's seat, just across the river from 阿镇
    assert gaz.province_for_point(31.2304, 121.4737) == "310000"  # 上海
    assert gaz.province_for_point(43.8256, 87.6168) == "650000"  # 乌鲁木齐


@pytest.mark.parametrize(("lat", "lon"), [(0.0, 0.0), (47.92, 106.92), (51.5, -0.12), (91.0, 0.0)])
def test_points_far_from_china_have_no_county(gaz, lat, lon):
    # the open sea, Ulaanbaatar, London, and no point at all
    assert gaz.county_at(lat, lon) is None
    assert gaz.province_for_point(lat, lon) is None


def test_a_sample_place_decides_near_a_county_line():
    # A seat of county B lies nearer than county A's seat, but a known place of county A is nearer still.
    counties = [
        County("000001", "甲县", "某市", "000000", 40.0, 110.0),
        County("000002", "乙县", "某市", "000000", 40.0, 110.1),
    ]
    places = [Place("甲镇", "town", "000001", 40.0, 110.07)]
    gaz = Gazetteer(counties, places)
    assert code_at(gaz, 40.0, 110.075) == "000001"
    assert code_at(gaz, 40.0, 110.09) == "000002"
    assert code_at(gaz, 40.0, 110.0, max_km=1) == "000001"
    assert gaz.county_at(41.0, 110.0, max_km=50) is None


def test_the_default_gazetteer_is_read_once():
    assert default_gazetteer() is default_gazetteer()


def test_counties_csv_coverage(gaz):
    counties = list(gaz.counties.values())
    assert len(counties) >= 2800
    assert len({c.code for c in counties}) == len(counties)
    mainland = {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
                "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"}
    assert {c.province_code[:2] for c in counties} == mainland
    for c in counties:
        assert len(c.code) == 6 and c.code.isdigit() and c.province_code == c.code[:2] + "0000", c
        assert 3 <= c.lat <= 54 and 73 <= c.lon <= 136, c
        assert c.name and c.city, c


def test_counties_csv_is_wgs84_not_gcj02(gaz):
    # AutoNavi gives 伊金霍洛旗's seat as 39.564659 N, 109.74774 E in GCJ-02; in WGS-84 it lies ~600 m west.
    seat = gaz.county("150627")
    assert seat.lat == pytest.approx(39.5636, abs=0.0005)
    assert seat.lon == pytest.approx(109.7420, abs=0.0005)


def test_places_csv_rows_belong_to_known_counties(gaz):
    with PLACES_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    per_county = Counter(row["county_code"] for row in rows)
    assert set(per_county) == {"150627", "150625", "140802", "510802"}
    assert all(15 <= n <= 30 for n in per_county.values()), per_county
    for row in rows:
        assert row["kind"] in PLACE_KINDS and row["source"] in {"adcode", "sample"}, row
        county = gaz.county(row["county_code"])
        assert county is not None, row
        # every sample place lies within about 150 km of its county's seat
        assert abs(float(row["lat"]) - county.lat) < 1.4 and abs(float(row["lon"]) - county.lon) < 1.8, row


def test_an_english_message_names_a_place_in_pinyin() -> None:
    gazetteer = default_gazetteer()
    assert [p.name for p in gazetteer.places_in("is there daycare near Xini?")] == ["锡尼镇"]
    assert [p.name for p in gazetteer.places_in("any childcare near Tianjiao")] == ["天骄社区"]
    assert gazetteer.division_in("My wife just gave birth in Yuncheng") == "140800"
    assert gazetteer.places_in("thanks, that helps") == [] and gazetteer.division_in("thanks") is None
    assert gazetteer.places_in("xinixini") == []  # whole words only


def test_a_place_typed_with_a_homophone_and_a_county_without_its_ending_are_found() -> None:
    gazetteer = default_gazetteer()
    assert [p.name for p in gazetteer.places_in("康和园小区附近有托育吗")] == ["康和苑小区"]
    assert [p.county_code for p in gazetteer.places_in("那康巴什呢")] == ["150603"]
    assert gazetteer.places_in("乌鲁木齐") == []  # the city, not 乌鲁木齐县
