"""Slots read from colloquial messages: dates (absolute and relative), ages, birth details, a loss."""

from __future__ import annotations

from datetime import date

import pytest

from bot.slots import (
    find_age_months,
    find_babies,
    find_birth_order,
    find_date,
    find_month,
    find_province,
    is_loss,
    leave_asked,
    looks_english,
    wants_inclusive,
)

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(("text", "expected"), [
    ("宝宝2025年3月1日出生", date(2025, 3, 1)),
    ("2025-03-01", date(2025, 3, 1)),
    ("2025/3/1", date(2025, 3, 1)),
    ("25年3月1号", date(2025, 3, 1)),
    ("预产期明年3月1号", date(2027, 3, 1)),
    ("去年12月5日生的", date(2025, 12, 5)),
    ("下个月15号", date(2026, 12, 15)),
    ("上个月3号出生", date(2026, 10, 3)),
    ("3月1日", date(2027, 3, 1)),  # the nearest 1 March to today
    ("2026-02-30", None),
    ("明年2月30号", None),
    ("没有日期", None),
])
def test_dates(text: str, expected: date | None) -> None:
    assert find_date(text, TODAY) == expected


@pytest.mark.parametrize(("text", "months"), [
    ("宝宝8个月", 8), ("一岁半", 18), ("两岁三个月", 27), ("十一个月", 11), ("18 months", 18), ("2 years old", 24),
    ("刚出生", 0), ("满月了", 1), ("三岁", 36), ("没说年龄", None),
    ("那个东关宝贝一个月多少钱", None), ("全日托吗？一个月多少", None), ("宝宝一个月了", 1),  # a fee, not an age
])
def test_ages(text: str, months: int | None) -> None:
    assert find_age_months(text) == months


def test_birth_details() -> None:
    assert (find_babies("双胞胎"), find_babies("三胞胎"), find_babies("一个宝宝")) == (2, 3, None)
    assert (find_birth_order("二胎"), find_birth_order("老三"), find_birth_order("三胞胎")) == (2, 3, None)


@pytest.mark.parametrize(("text", "loss"), [
    ("我的宝宝上个月走了", True), ("孩子去世了", True), ("宝宝没了", True),
    ("宝宝会走了", False), ("宝宝走路了，好开心", False), ("爷爷去世了", False), ("宝宝刚走了两步", False),
])
def test_loss_is_about_the_child(text: str, loss: bool) -> None:
    assert is_loss(text) is loss


def test_inclusive_and_english() -> None:
    readings = (wants_inclusive("普惠的"), wants_inclusive("非普惠的也要看看"), wants_inclusive("托育"))
    assert readings == (True, False, None)
    assert looks_english("Is there a daycare near 锡尼镇?") and not looks_english("锡尼镇附近的托育 ok")


@pytest.mark.parametrize(("text", "months"), [
    ("any daycare near 康和苑 for a 2.5 year old?", 30), ("孩子1.5岁了", 18), ("2岁半", 30), ("体温38.5 两岁", 24),
])
def test_a_decimal_age_in_years(text: str, months: int) -> None:
    assert find_age_months(text) == months


@pytest.mark.parametrize(("text", "province"), [
    ("我老公户口内蒙古的 但一直在上海上班交社保 他按哪边算", "上海市"),
    ("老家河南的 在北京上班", "北京市"),
    ("户口内蒙古", "内蒙古自治区"),
])
def test_leave_goes_by_where_one_works_not_the_household_registration(text: str, province: str) -> None:
    found = find_province(text)
    assert found is not None and found.name == province


@pytest.mark.parametrize(("text", "born"), [
    ("娃是今年八月十五生的", date(2026, 8, 15)), ("哎呀说错了 是八月二十五号", date(2026, 8, 25)),
])
def test_a_date_said_in_chinese_numerals(text: str, born: date) -> None:
    assert find_date(text, TODAY) == born


def test_a_month_said_in_words_and_the_national_day() -> None:
    assert find_month("今年三月中旬生的", TODAY) == date(2026, 3, 1)
    assert find_month("宝宝是去年国庆节那几天生的", TODAY) == date(2025, 10, 1)
    assert find_month("宝宝十个月了", TODAY) is None and find_month("十月怀胎", TODAY) is None


def test_both_parents_named_ask_both_leaves() -> None:
    assert leave_asked("山西呢 我儿子儿媳在运城") == "maternity,paternity"
    assert leave_asked("孩子妈妈走了 我能休什么假") is None
