"""The bundled SAMPLE registry: valid, clearly fictional, varied, and placed for the 阿镇 demo."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest
from pyproj import Geod

from geodata.centre import ALL_FIELDS, REQUIRED_FIELDS, Centre, Kind, Mode, Status, check_row
from geodata.gazetteer import default_gazetteer

SAMPLE_CSV = Path(__file__).parents[2] / "geodata" / "data" / "sample_centres.csv"
ANCHOR = (39.600, 109.760)  # 阿勒腾席热镇, the demo's starting point
CIRCLE_M = 900  # 15 minutes with the default walking model
SEED_DISTRICTS = {"150627", "150625", "140802", "510802"}
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with SAMPLE_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def centres(rows) -> list[Centre]:
    checked = [check_row(row, is_sample=True) for row in rows]
    return [c.centre for c in checked if c.centre is not None]


def test_every_row_passes_the_registry_check(rows):
    problems = {row["id"]: [str(e) for e in check_row(row).errors] for row in rows if check_row(row).errors}
    assert problems == {}


def test_header_is_the_contract_plus_the_extra_columns(rows):
    with SAMPLE_CSV.open(encoding="utf-8") as handle:
        header = handle.readline().strip().split(",")
    assert set(REQUIRED_FIELDS) <= set(header)
    assert set(header) == set(ALL_FIELDS)


def test_size_and_unique_sample_ids(rows):
    assert 60 <= len(rows) <= 80
    ids = [row["id"] for row in rows]
    assert len(set(ids)) == len(ids)
    for row in rows:
        assert re.fullmatch(rf"SAMPLE-{row['district_code']}-\d{{3}}", row["id"]), row["id"]


def test_everything_is_marked_as_sample(rows):
    for row in rows:
        assert row["name"].endswith("（示例）"), row["name"]
        assert row["address"].endswith("（示例地址）"), row["address"]
        assert not row["operator"] or row["operator"].endswith("（示例）"), row["operator"]


def test_phone_numbers_cannot_be_dialled(rows):
    for row in rows:
        # a Chinese local number never starts with 0, so AREA-0000NNNN belongs to nobody
        assert not row["phone"] or re.fullmatch(r"0\d{2,3}-0000\d{4}", row["phone"]), row["phone"]


def test_credit_codes_are_well_formed_but_visibly_fictional(centres):
    codes = [c.credit_code for c in centres if c.credit_code]
    assert len(codes) >= 20
    for centre in centres:
        if centre.credit_code:
            assert centre.credit_code[2:8] == centre.district_code and centre.credit_code[8:14] == "000000"


def test_every_kind_mode_and_status_is_covered(centres):
    assert {c.kind for c in centres} == set(Kind)
    assert {m for c in centres for m in c.modes} == set(Mode)
    assert {c.status for c in centres} == set(Status)
    assert {c.inclusive for c in centres} == {True, False}
    assert {c.demo_level for c in centres} >= {None, *{"national", "region", "city"}}
    assert {c.health_eval_passed for c in centres} == {True, False, None}


def test_four_seed_districts_each_with_varied_centres(centres):
    per_district = Counter(c.district_code for c in centres)
    assert set(per_district) == SEED_DISTRICTS
    assert all(n >= 10 for n in per_district.values()), per_district
    for district in SEED_DISTRICTS:
        here = [c for c in centres if c.district_code == district]
        assert {c.inclusive for c in here} == {True, False}
        assert len({c.kind for c in here}) == len(Kind)


def test_mengbao_community_points(centres):
    points = [c for c in centres if c.name.startswith("萌宝驿站·")]
    assert len(points) >= 4
    for point in points:
        assert re.fullmatch(r"萌宝驿站·.+社区点（示例）", point.name), point.name
        assert point.kind is Kind.community


def test_figures_are_consistent(centres):
    for c in centres:
        assert c.capacity is not None and c.vacancies is not None and 0 <= c.vacancies <= c.capacity, c.id
        assert c.min_age_months is not None and c.max_age_months is not None
        assert 0 <= c.min_age_months <= c.max_age_months <= 36, c.id
        if c.status is not Status.active:
            assert c.vacancies == 0, c.id
        if c.kind is Kind.home:
            assert c.capacity <= 5, c.id
        if c.kind is Kind.kindergarten_class:
            assert c.min_age_months >= 24, c.id
        assert (c.inclusive_since is not None) == c.inclusive, c.id
        if c.inclusive_since and c.filed_on:
            assert c.inclusive_since >= c.filed_on, c.id
        if c.fee_min is not None and c.fee_max is not None:
            assert 0 <= c.fee_min <= c.fee_max, c.id
    assert len({c.min_age_months for c in centres}) >= 4


def test_each_centre_lies_in_its_own_district(centres):
    gaz = default_gazetteer()
    for c in centres:
        county = gaz.county_at(c.lat, c.lon)
        assert county is not None and county.code == c.district_code, c.id


def test_a_demo_query_at_a_zhen_finds_a_handful_inclusive_and_not(centres):
    def distance(c: Centre) -> float:
        return GEOD.inv(ANCHOR[1], ANCHOR[0], c.lon, c.lat)[2]

    near = [c for c in centres if distance(c) <= CIRCLE_M]
    active = [c for c in near if c.status is Status.active]
    assert 3 <= len(active) <= 8
    assert {c.inclusive for c in active} == {True, False}
    # a suspended and a closed one nearby, to be left out (the revoked one is in 盐湖区)
    assert {Status.active, Status.suspended, Status.closed} <= {c.status for c in near}
    town = [c for c in centres if c.district_code == "150627"]
    assert sum(300 <= distance(c) <= 2500 for c in town) >= 0.8 * len(town)
