"""哺乳时间 and 哺乳假 in the same dated, cited data as leave; Inner Mongolia's caveat in the answer itself."""

from __future__ import annotations

from datetime import date

import pytest

from content.leave import leave_answer, leave_result

TODAY = date(2025, 12, 15)


def nursing(answer: dict) -> dict:
    return next(e for e in answer["entitlements"] if e["kind"] == "nursing")


@pytest.mark.parametrize(("babies", "hours"), [(1, 1), (2, 2), (3, 3)])
def test_nursing_hour_until_the_first_birthday_plus_one_per_extra_baby(babies: int, hours: int) -> None:
    entry = nursing(leave_answer("广东", "2025-06-01", today=TODAY, babies=babies))
    assert (entry["hours_per_day"], entry["until_age_years"], entry["until"]) == (hours, 1, "2026-06-01")
    basis = entry["basis"][0]
    assert basis["title"] == "《女职工劳动保护特别规定》" and basis["article"] == "第九条"
    assert entry["verified"] is True and entry["expired"] is False


@pytest.mark.parametrize("region", ["内蒙古", "山西", "四川", "北京", "上海", "广东", "浙江", "江苏", "河南"])
def test_provincial_nursing_leave_is_said_to_be_unknown_where_no_rule_is_held(region: str) -> None:
    answer = leave_answer(region, "2025-06-01", today=TODAY)
    entry = nursing(answer)
    assert entry["nursing_leave"] is None and entry["nursing_leave_known"] is False
    assert "哺乳假" in answer["explanation"]["zh"] and "未知" in answer["explanation"]["zh"]
    assert "unknown" in answer["explanation"]["en"]


def test_nursing_time_is_in_the_explanation_and_ends_at_one() -> None:
    answer = leave_answer("内蒙古", "2024-05-01", today=TODAY)
    assert "【哺乳时间】" in answer["explanation"]["zh"] and "第九条" in answer["explanation"]["zh"]
    assert nursing(answer)["expired"] is True  # the child turned one on 2025-05-01


def test_no_nursing_after_a_miscarriage() -> None:
    answer = leave_answer("内蒙古", "2025-10-01", today=TODAY, miscarriage_months=5)
    assert [e["kind"] for e in answer["entitlements"]] == ["maternity"]


def test_inner_mongolia_names_the_law_first_and_the_hanggin_document_second() -> None:
    answer = leave_answer("内蒙古", "2024-05-01", today=TODAY)
    extension = next(e for e in answer["entitlements"] if e["kind"] == "maternity")["basis"][1]
    assert extension["title"] == "《内蒙古自治区人口与计划生育条例》（2016年修订）"
    assert [(c["number"], c["article"]) for c in extension["cited_by"]] == [("杭政办发〔2021〕62号", "三、（一）3.")]
    text = answer["explanation"]["zh"]
    assert text.index("《内蒙古自治区人口与计划生育条例》（2016年修订）") < text.index("杭政办发〔2021〕62号")


def test_inner_mongolia_caveat_is_in_the_answer_not_only_in_the_basis() -> None:
    result = leave_result("内蒙古", "2024-05-01", today=TODAY)
    assert "未核实" in result.notes[0].text.zh and "2021年以后" in result.notes[0].text.zh  # first of the notes
    answer = leave_answer("150000", "2024-05-01", today=TODAY)
    assert any("2021年以后" in note and "未核实" in note for note in answer["notes"])
    assert "2021年以后条例的修正是否改变了天数，未核实" in answer["explanation"]["zh"]
    assert "unverified" in answer["explanation"]["en"] and "since 2021" in answer["explanation"]["en"]


def test_other_provinces_carry_no_inner_mongolia_caveat() -> None:
    answer = leave_answer("广东", "2024-05-01", today=TODAY)
    assert not any("内蒙古" in note for note in answer["notes"])
