"""The explanations give the figures, the sum, the sources, what is unverified, and the two reminders."""

from __future__ import annotations

from datetime import date

import pytest

from content.leave import explain_en, explain_zh, leave_answer, leave_result

TODAY = date(2025, 12, 15)


def test_inner_mongolia_in_chinese():
    text = explain_zh(leave_result("内蒙古", "2024-05-01", today=TODAY))
    assert "共158天（98 + 60 = 158）" in text
    assert "《女职工劳动保护特别规定》第七条第一款" in text
    assert "《内蒙古自治区人口与计划生育条例》" in text
    assert "25天" in text
    assert "每年10天" in text and "【未核实】" in text
    assert "以当地人社部门口径为准" in text
    assert "就业和参加社保所在地" in text
    assert "2024-05-01 至 2024-10-05（估算）" in text


def test_inner_mongolia_in_english():
    text = explain_en(leave_result("内蒙古", "2024-05-01", today=TODAY))
    assert "158 days (98 + 60 = 158)" in text
    assert "25 days" in text
    assert "10 days a year for each parent" in text and "[unverified]" in text
    assert "employed and insured" in text
    assert "2024-05-01 to 2024-10-05 (estimate)" in text


def test_verified_figures_carry_no_unverified_mark():
    text = explain_zh(leave_result("北京", "2024-01-10", today=TODAY))
    assert "【未核实】" not in text
    assert "共158天（98 + 60 = 158）" in text
    assert "5个工作日" in text
    dates = next(line for line in text.splitlines() if "时间：" in line)
    assert dates.strip() == "时间：2024-01-10 至 2024-06-15"


@pytest.mark.parametrize(
    ("region", "kwargs", "sum_text"),
    [
        ("广东", {"difficult_birth": True}, "共208天（98 + 30 + 80 = 208）"),
        ("浙江", {"birth_order": 2, "babies": 3}, "共218天（98 + 30 + 90 = 218）"),
        ("江苏", {}, "共158天（98 + 60 = 158）"),
        ("陕西", {}, "共98天"),
    ],
)
def test_sums(region, kwargs, sum_text):
    assert sum_text in explain_zh(leave_result(region, "2024-06-01", today=TODAY, **kwargs))


def test_unknown_parental_leave_is_said():
    text = explain_zh(leave_result("江苏", "2024-06-01", today=TODAY))
    assert "【育儿假】" not in text
    assert "育儿假规定，天数未知" in text


def test_due_date_and_miscarriage_openings():
    assert "预产期" in explain_zh(leave_result("上海", "2026-03-01", today=TODAY))
    text = explain_zh(leave_result("上海", "2025-12-01", today=TODAY, miscarriage_months=2))
    assert "很遗憾" in text and "共15天" in text and "陪产假" not in text


def test_answer_carries_both_explanations():
    answer = leave_answer("四川", "2025-11-28", today=TODAY)
    assert "共188天（98 + 90 = 188）" in answer["explanation"]["zh"]
    assert "188 days (98 + 90 = 188)" in answer["explanation"]["en"]
    assert len(answer["notes"]) == len(answer["notes_en"])


def test_how_the_days_run_comes_from_each_rule_and_says_when_the_rule_does_not_tell():
    from content.leave.explain import counting

    shanghai = counting(leave_result("310000", date(2022, 7, 1), today=date(2026, 11, 28)), "maternity")
    lines = shanghai.zh.splitlines()
    assert len(lines) == 2
    assert "98天" in lines[0] and "日历日" in lines[0] and "女职工劳动保护特别规定" in lines[0]
    assert "60天" in lines[1] and "顺延" in lines[1] and "上海市人口与计划生育条例" in lines[1]
    assert "public holidays push it back" in shanghai.en
    spouse = counting(leave_result("150000", date(2024, 5, 1), today=date(2026, 11, 28)), "paternity").zh
    assert spouse.startswith("陪产假") and "没有写明" in spouse and "自然日" not in spouse  # the 条例 does not say
    beijing = counting(leave_result("110000", date(2024, 5, 1), today=date(2026, 11, 28)), "parental").zh
    assert "工作日" in beijing
