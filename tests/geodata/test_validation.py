"""Row-by-row validation: each rule gives the row its own error, naming the field."""

from __future__ import annotations

import pytest

from geodata.centre import Kind, Mode, Status, check_row

GOOD = {
    "id": "T-1", "name": "测试托育园", "address": "天骄路1号", "lat": "39.6", "lon": "109.76",
    "district_code": "150627", "kind": "centre", "inclusive": "true", "status": "active",
}


def fields_in_error(**changes: str) -> list[str]:
    checked = check_row({**GOOD, **changes})
    assert checked.centre is None
    return [e.field for e in checked.errors]


def test_a_good_row_becomes_a_centre() -> None:
    checked = check_row({**GOOD, "modes": "full_day;hourly", "capacity": "40", "vacancies": "3",
                         "min_age_months": "6", "max_age_months": "36", "filed_on": "2024-01-02"})
    assert checked.errors == []
    c = checked.centre
    assert c is not None
    assert (c.kind, c.status, c.inclusive, c.modes) == (Kind.centre, Status.active, True,
                                                        (Mode.full_day, Mode.hourly))
    assert (c.capacity, c.vacancies, c.min_age_months, c.max_age_months) == (40, 3, 6, 36)


@pytest.mark.parametrize(("changes", "fields"), [
    ({"name": ""}, ["name"]),
    ({"lat": "abc"}, ["lat"]),
    ({"lat": "95"}, ["lat"]),
    ({"lat": "51.5", "lon": "-0.12"}, ["lat/lon"]),           # London: outside China
    ({"lat": "109.76", "lon": "39.6"}, ["lat"]),              # swapped: latitude out of range
    ({"district_code": "15062"}, ["district_code"]),
    ({"kind": "kindergarten"}, ["kind"]),
    ({"status": "open"}, ["status"]),
    ({"inclusive": "maybe"}, ["inclusive"]),
    ({"capacity": "10", "vacancies": "11"}, ["vacancies"]),
    ({"capacity": "-1"}, ["capacity"]),
    ({"capacity": "2.5"}, ["capacity"]),
    ({"min_age_months": "40"}, ["min_age_months"]),
    ({"min_age_months": "24", "max_age_months": "12"}, ["min_age_months"]),
    ({"modes": "full_day;overnight"}, ["modes"]),
    ({"fee_min": "2000", "fee_max": "1000"}, ["fee_min"]),
    ({"filed_on": "2024-13-01"}, ["filed_on"]),
    ({"credit_code": "123"}, ["credit_code"]),
    ({"name": "", "kind": "x", "status": "y"}, ["name", "kind", "status"]),
    ({"name": "托" * 201}, ["name"]),
    ({"id": "X" * 65}, ["id"]),
    ({"capacity": "99999999999"}, ["capacity"]),
    ({"fee_max": "1e12"}, ["fee_max"]),
])
def test_each_rule_names_its_field(changes: dict[str, str], fields: list[str]) -> None:
    assert fields_in_error(**changes) == fields


def test_errors_speak_chinese_and_english() -> None:
    checked = check_row({**GOOD, "capacity": "10", "vacancies": "12"})
    (error,) = checked.errors
    assert "空余托位" in error.zh and "capacity" in error.en
    assert str(error).startswith("vacancies: ")
