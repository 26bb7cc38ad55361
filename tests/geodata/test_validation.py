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
    ({"name": "", "kind": "x", "status": "y"}, ["name", "kind", "status"]),
    ({"name": "托" * 201}, ["name"]),
    ({"id": "X" * 65}, ["id"]),
    ({"id": "A\x00B"}, ["id"]),
    ({"lat": "1" * 400}, ["lat"]),
])
def test_each_rule_for_a_required_field_rejects_the_row_naming_its_field(changes: dict[str, str],
                                                                          fields: list[str]) -> None:
    assert fields_in_error(**changes) == fields


@pytest.mark.parametrize(("changes", "fields", "left_out"), [
    ({"capacity": "10", "vacancies": "11"}, ["vacancies"], ["vacancies"]),
    ({"capacity": "-1"}, ["capacity"], ["capacity"]),
    ({"capacity": "2.5"}, ["capacity"], ["capacity"]),
    ({"min_age_months": "40"}, ["min_age_months"], ["min_age_months"]),
    ({"min_age_months": "24", "max_age_months": "12"}, ["min_age_months"], ["min_age_months", "max_age_months"]),
    ({"modes": "full_day;overnight"}, ["modes"], ["modes"]),
    ({"fee_min": "2000", "fee_max": "1000"}, ["fee_min"], ["fee_min", "fee_max"]),
    ({"filed_on": "2024-13-01"}, ["filed_on"], ["filed_on"]),
    ({"credit_code": "123"}, ["credit_code"], ["credit_code"]),
    ({"capacity": "99999999999"}, ["capacity"], ["capacity"]),
    ({"fee_max": "1e12"}, ["fee_max"], ["fee_max"]),
    ({"capacity": "9" * 5000}, ["capacity"], ["capacity"]),
    ({"enrolled": "x"}, ["enrolled"], ["enrolled"]),
    ({"ownership": "国企"}, ["ownership"], ["ownership"]),
])
def test_a_bad_optional_field_is_left_out_with_a_warning(changes: dict[str, str], fields: list[str],
                                                         left_out: list[str]) -> None:
    checked = check_row({**GOOD, **changes})
    assert checked.errors == []
    assert [w.field for w in checked.warnings] == fields
    assert checked.centre is not None
    for name in left_out:
        assert getattr(checked.centre, name) in (None, ())


@pytest.mark.parametrize(("value", "fault"), [
    ("2026-13-01", "月份 13 不存在"),
    ("2023-02-29", "2023年2月只有 28 天"),
    ("2024-04-31", "只有 30 天"),
    ("1800-01-01", "年份 1800 不合常理"),
    ("2999-01-01", "晚于今天"),
    ("下个月", "应写作 YYYY-MM-DD"),
])
def test_a_date_fault_is_named(value: str, fault: str) -> None:
    (warning,) = check_row({**GOOD, "filed_on": value}).warnings
    assert fault in warning.zh


@pytest.mark.parametrize("value", ["2024-03-01", "2024/3/1", "2024.03.01", "2024年3月1日", "20240301",
                                   "2024-03-01 00:00:00", "２０２４－０３－０１"])
def test_dates_as_registry_lists_write_them(value: str) -> None:
    checked = check_row({**GOOD, "filed_on": value})
    assert checked.warnings == [] and checked.centre is not None
    assert checked.centre.filed_on is not None and checked.centre.filed_on.isoformat() == "2024-03-01"


@pytest.mark.parametrize("code", ["9144030071526726XG", "914403001922038216", "91330100716105852F",
                                  "91330100 7161 0585 2f", "９１３３０１００７１６１０５８５２Ｆ"])
def test_a_correct_credit_code_is_accepted(code: str) -> None:
    checked = check_row({**GOOD, "credit_code": code})
    assert checked.warnings == [] and checked.centre is not None
    assert checked.centre.credit_code is not None and len(checked.centre.credit_code) == 18


@pytest.mark.parametrize(("code", "fault"), [
    ("9144030071526726XA", "校验位不符：按前 17 位算应为“G”"),
    ("91440300715267", "应为18位，这里是 14 位"),
    ("9144030071526726IG", "第 17 位“I”"),
    ("9.14403E+17", "Excel"),
])
def test_a_wrong_credit_code_names_its_fault(code: str, fault: str) -> None:
    (warning,) = check_row({**GOOD, "credit_code": code}).warnings
    assert fault in warning.zh


def test_chinese_rows_hear_chinese_words() -> None:
    checked = check_row({**GOOD, "kind": "幼教中心", "inclusive": "可能"})
    texts = [e.text("zh") for e in checked.errors]
    assert texts[0].startswith("机构类型：") and "托育机构、幼儿园托班" in texts[0] and "centre" not in texts[0]
    assert texts[1] == "是否普惠：“可能”应为“是”或“否”"


def test_names_lose_control_characters_and_ids_refuse_them() -> None:
    checked = check_row({**GOOD, "name": "小星星\x00托育园\u202e", "address": "天骄路\r\n1号"})
    assert checked.centre is not None
    assert (checked.centre.name, checked.centre.address) == ("小星星托育园", "天骄路 1号")


def test_sample_ids_stay_sample_data() -> None:
    checked = check_row({**GOOD, "id": "SAMPLE-150627-001"})
    assert checked.centre is not None and checked.centre.is_sample


def test_errors_speak_chinese_and_english() -> None:
    checked = check_row({**GOOD, "capacity": "10", "vacancies": "12"})
    (error,) = checked.warnings
    assert "空余托位" in error.zh and "capacity" in error.en
    assert str(error).startswith("vacancies: ")
