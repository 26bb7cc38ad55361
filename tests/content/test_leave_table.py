"""Leave figures as input → expected tables (OpenFisca style): every province in the facts file."""

from __future__ import annotations

from datetime import date

import pytest

from content.leave import leave_answer

TODAY = date(2025, 12, 15)

# region, birth date, babies, difficult birth, birth order →
#   maternity parts (in order), paternity days, parental (days a year, unit) or None, maternity verified
TABLE = [
    # 内蒙古: the design card's example, 98 + 60 = 158 and 25; 育儿假 10 given only as unverified
    ("内蒙古", "2024-05-01", 1, False, 1, [98, 60], 25, (10, "days"), True),
    ("150000", "2024-05-01", 1, False, 1, [98, 60], 25, (10, "days"), True),
    ("内蒙古自治区", "2024-05-01", 1, True, 1, [98, 15, 60], 25, (10, "days"), True),
    ("内蒙古", "2024-05-01", 2, False, 1, [98, 15, 60], 25, (10, "days"), True),
    ("内蒙古", "2024-05-01", 3, True, 2, [98, 15, 30, 60], 25, (10, "days"), True),
    # 山西 (not 陕西): medium confidence
    ("山西", "2024-03-10", 1, False, 1, [98, 60], 15, (15, "days"), False),
    ("140000", "2024-03-10", 2, True, 2, [98, 15, 15, 60], 15, (15, "days"), False),
    # 四川, before and after the 2025 amendment's date of effect
    ("四川", "2025-11-27", 1, False, 1, [98, 60], 20, (10, "days"), False),
    ("四川", "2025-11-28", 1, False, 1, [98, 90], 30, (10, "working_days"), True),
    ("四川省", "2025-11-28", 1, False, 3, [98, 90], 30, (10, "working_days"), True),
    ("510000", "2025-11-28", 2, True, 1, [98, 15, 15, 90], 30, (10, "working_days"), True),
    ("四川", "2024-06-01", 3, False, 2, [98, 30, 60], 20, (10, "days"), False),
    # 北京, 上海
    ("北京", "2024-01-10", 1, False, 1, [98, 60], 15, (5, "working_days"), True),
    ("北京市", "2024-01-10", 2, True, 1, [98, 15, 15, 60], 15, (5, "working_days"), True),
    ("上海", "2024-08-01", 1, False, 1, [98, 60], 10, (5, "days"), True),
    ("310000", "2024-08-01", 3, False, 1, [98, 30, 60], 10, (5, "days"), True),
    # 广东: 178, and a difficult birth adds 30 (not 15)
    ("广东", "2024-06-01", 1, False, 1, [98, 80], 15, (10, "days"), True),
    ("广东", "2024-06-01", 1, True, 1, [98, 30, 80], 15, (10, "days"), True),
    ("广东", "2024-06-01", 2, True, 1, [98, 30, 15, 80], 15, (10, "days"), True),
    # 浙江: the extension depends on the birth order
    ("浙江", "2024-06-01", 1, False, 1, [98, 60], 15, (10, "days"), True),
    ("浙江", "2024-06-01", 1, False, 2, [98, 90], 15, (10, "days"), True),
    ("浙江", "2024-06-01", 1, False, 3, [98, 90], 15, (10, "days"), True),
    ("浙江", "2024-06-01", 2, False, 2, [98, 15, 90], 15, (10, "days"), True),
    # 江苏: 128 before about 2022-02-10, 158 from then; 育儿假 unknown, so not given
    ("江苏", "2022-02-09", 1, False, 1, [98, 30], None, None, False),
    ("江苏", "2022-02-10", 1, False, 1, [98, 60], 15, None, False),
    ("江苏", "2024-09-01", 3, True, 1, [98, 15, 30, 60], 15, None, False),
    # A province with no local rules recorded: the national baseline only
    ("陕西", "2024-06-01", 1, False, 1, [98], None, None, True),
    ("陕西省", "2024-06-01", 2, True, 1, [98, 15, 15], None, None, True),
]


def by_kind(answer: dict) -> dict[str, dict]:
    return {e["kind"]: e for e in answer["entitlements"]}


@pytest.mark.parametrize(
    ("region", "born", "babies", "difficult", "order", "parts", "paternity", "parental", "verified"), TABLE
)
def test_leave_table(region, born, babies, difficult, order, parts, paternity, parental, verified):
    answer = leave_answer(region, born, today=TODAY, babies=babies, difficult_birth=difficult, birth_order=order)
    found = by_kind(answer)
    maternity = found["maternity"]
    assert [b["days"] for b in maternity["basis"]] == parts
    assert maternity["days"] == sum(parts)
    assert maternity["verified"] is verified
    assert found.get("paternity", {}).get("days") == paternity
    if parental is None:
        assert "parental" not in found
        assert any("育儿假" in note and "未收录" in note for note in answer["notes"])
    else:
        assert (found["parental"]["days_per_year"], found["parental"]["unit"]) == parental
        assert found["parental"]["until_age_years"] == 3


def test_design_card_example_inner_mongolia():
    answer = leave_answer("内蒙古", "2024-05-01", today=TODAY)
    assert answer["region"] == {"code": "150000", "name": "内蒙古自治区", "name_en": "Inner Mongolia"}
    found = by_kind(answer)
    assert (found["maternity"]["days"], found["paternity"]["days"]) == (158, 25)
    assert found["maternity"]["verified"] and found["paternity"]["verified"]
    assert found["parental"]["verified"] is False
    assert any("育儿假" in note and "10天" in note for note in answer["notes"])


def test_sichuan_third_child_extra_days_need_consent_and_are_not_added():
    answer = leave_answer("四川", "2025-12-01", today=TODAY, birth_order=3)
    assert by_kind(answer)["maternity"]["days"] == 188
    assert [o["days"] for o in answer["optional"]] == [30]
    assert "用人单位同意" in answer["optional"][0]["condition"]
    assert leave_answer("四川", "2025-12-01", today=TODAY, birth_order=2)["optional"] == []
    assert leave_answer("四川", "2025-11-27", today=TODAY, birth_order=3)["optional"] == []


def test_beijing_optional_months_shown_not_added():
    answer = leave_answer("北京", "2024-01-10", today=TODAY)
    assert by_kind(answer)["maternity"]["days"] == 158
    assert [o["days"] for o in answer["optional"]] == [None]
    assert any("1至3个月" in note for note in answer["notes"])


@pytest.mark.parametrize(("region", "born"), [("上海", "2021-05-30"), ("陕西", "2024-06-01")])
def test_missing_local_extension_is_said_not_guessed(region, born):
    answer = leave_answer(region, born, today=TODAY)
    maternity = by_kind(answer)["maternity"]
    assert maternity["days"] == 98
    assert maternity["complete"] is False
    assert maternity["end_is_estimate"] is True
    assert any("只含国家规定" in note for note in answer["notes"])


def test_shanghai_birth_leave_applies_from_2021_05_31():
    assert by_kind(leave_answer("上海", "2021-05-31", today=TODAY))["maternity"]["days"] == 158
    assert by_kind(leave_answer("上海", "2021-05-30", today=TODAY))["maternity"]["days"] == 98


@pytest.mark.parametrize(("months", "days"), [(0, 15), (3, 15), (4, 42), (7, 42)])
def test_miscarriage(months, days):
    answer = leave_answer("内蒙古", "2025-10-01", today=TODAY, miscarriage_months=months)
    assert [e["kind"] for e in answer["entitlements"]] == ["maternity"]
    maternity = answer["entitlements"][0]
    assert maternity["days"] == days
    assert maternity["basis"][0]["article"] == "第七条第二款"
    assert answer["miscarriage"] is True


def test_shanxi_and_shaanxi_are_told_apart():
    shanxi = leave_answer("山西", "2024-03-10", today=TODAY)
    shaanxi = leave_answer("陕西", "2024-03-10", today=TODAY)
    assert (shanxi["region"]["code"], shaanxi["region"]["code"]) == ("140000", "610000")
    assert by_kind(shanxi)["maternity"]["days"] == 158
    assert by_kind(shaanxi)["maternity"]["days"] == 98
    assert any("不是陕西省" in note for note in shanxi["notes"])
    assert any("不是山西省" in note for note in shaanxi["notes"])


def test_county_code_reads_as_its_province():
    assert leave_answer("150627", "2024-05-01", today=TODAY)["region"]["code"] == "150000"
