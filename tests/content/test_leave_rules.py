"""The rules files: every figure cited and dated, history kept, and a new province needs no code."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from content.leave import RuleError, bundled_rules, leave_answer, load_rules
from content.leave.rules import RULES_DIR, Key

FACTS_PROVINCES = {"150000", "140000", "510000", "110000", "310000", "440000", "330000", "320000"}
ALL = bundled_rules().all_provisions()


def test_every_province_in_the_facts_file_is_covered():
    assert set(bundled_rules().provisions) == FACTS_PROVINCES | {"national"}


@pytest.mark.parametrize("provision", ALL, ids=[f"{p.jurisdiction}-{p.key}-{p.starts}" for p in ALL])
def test_every_figure_has_a_source(provision):
    assert provision.title.startswith("《")
    assert provision.issuer.strip()
    assert provision.article.strip()
    assert provision.note.zh.strip() and provision.note.en.strip()
    assert provision.starts >= date(2012, 4, 28)
    assert provision.until is None or provision.until >= provision.starts


def test_sichuan_keeps_its_history():
    sichuan = [p for p in bundled_rules().provisions["510000"] if p.key is Key.maternity_extension]
    assert [(p.days, p.starts, p.until) for p in sichuan] == [
        (60, date(2022, 1, 1), date(2025, 11, 27)),
        (90, date(2025, 11, 28), None),
    ]


def write(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, encoding="utf-8")


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    shutil.copy(RULES_DIR / "national.yaml", tmp_path / "national.yaml")
    return tmp_path


PROVINCE = """
code: "640000"
name: 宁夏回族自治区
documents:
  test-doc:
    title: 《测试条例》
    issuer: 测试机关
    from: 2023-01-01
figures:
  - key: maternity_extension
    document: test-doc
    article: 第一条
    days: 7
    counting: calendar
    verified: false
    note: {zh: 测试, en: test}
  - key: paternity
    document: test-doc
    article: 第二条
    days: 3
    verified: false
    note: {zh: 测试, en: test}
"""


def test_a_new_province_is_a_data_file(rules_dir):
    write(rules_dir, "640000.yaml", PROVINCE)
    answer = leave_answer("宁夏", "2024-01-01", today=date(2025, 1, 1), rules=load_rules(rules_dir))
    kinds = {e["kind"]: e for e in answer["entitlements"]}
    assert kinds["maternity"]["days"] == 105
    assert kinds["paternity"]["days"] == 3
    assert kinds["paternity"]["basis"][0]["title"] == "《测试条例》"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("    article: 第二条\n", ""), "article"),
        (("    article: 第二条\n", "    article: ''\n"), "article"),
        (("    issuer: 测试机关\n", ""), "issuer"),
        (("document: test-doc\n    article: 第二条", "document: other\n    article: 第二条"), "unknown document"),
        (("    counting: calendar\n", ""), "counting"),
        (("    days: 3\n", ""), "days"),
        (('code: "640000"', 'code: "650000"'), "file name"),
    ],
)
def test_bad_rules_file_is_refused(rules_dir, change, message):
    old, new = change
    assert old in PROVINCE
    write(rules_dir, "640000.yaml", PROVINCE.replace(old, new))
    with pytest.raises(RuleError, match=message):
        load_rules(rules_dir)


def test_overlapping_versions_are_refused(rules_dir):
    overlapping = PROVINCE + """  - key: paternity
    document: test-doc
    article: 第三条
    from: 2024-01-01
    days: 5
    verified: false
    note: {zh: 测试, en: test}
"""
    write(rules_dir, "640000.yaml", overlapping)
    with pytest.raises(RuleError, match="paternity"):
        load_rules(rules_dir)


def test_a_revision_adds_a_version(rules_dir):
    revised = PROVINCE.replace("    from: 2023-01-01\n", "    from: 2023-01-01\n    until: 2024-06-30\n") + """\
  - key: paternity
    document: test-doc
    article: 第三条
    from: 2024-07-01
    until: null
    days: 5
    verified: false
    note: {zh: 测试, en: test}
"""
    write(rules_dir, "640000.yaml", revised)
    rules = load_rules(rules_dir)
    assert rules.in_force("640000", date(2024, 6, 30))[Key.paternity].days == 3
    assert rules.in_force("640000", date(2024, 7, 1))[Key.paternity].days == 5


def test_national_baseline_is_required(tmp_path):
    write(tmp_path, "640000.yaml", PROVINCE)
    with pytest.raises(RuleError, match="national"):
        load_rules(tmp_path)
