"""`carecircle guidance list | show | search | plan`, as the contract states them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.cli.common import reset

runner = CliRunner()
CONTRACT_KEYS = {
    "slug",
    "title",
    "summary",
    "locale",
    "age_from_months",
    "age_to_months",
    "send_at_days",
    "topics",
    "sources",
    "reviewed_by",
    "reviewed_on",
}


@pytest.fixture(autouse=True)
def own_store(tmp_path, monkeypatch):
    """Sign-offs live in the store: each test gets a fresh one."""
    monkeypatch.setenv("CARECIRCLE_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    reset()
    yield
    reset()


def run(*args: str):
    return runner.invoke(app, ["guidance", *args])


def as_json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_json_has_the_contract_keys_and_every_locale():
    articles = as_json(run("list", "--json"))["articles"]
    assert len(articles) >= 50
    assert {a["locale"] for a in articles} == {"zh", "en"}
    for article in articles:
        assert set(article) >= CONTRACT_KEYS
        assert article["sources"] and set(article["sources"][0]) == {"title", "issuer", "year"}
    fever = next(a for a in articles if a["slug"] == "fever" and a["locale"] == "zh")
    assert (fever["age_from_months"], fever["age_to_months"], fever["send_at_days"]) == (0, 36, 273)
    assert fever["topics"] == ["illness", "emergency"]
    assert (fever["reviewed_by"], fever["reviewed_on"]) == (None, None)  # no named reviewer has signed it off
    assert fever["written_on"] == "2026-11-24"
    schedule = next(a for a in articles if a["slug"] == "vaccination-schedule" and a["locale"] == "zh")
    assert schedule["send_at_days"] is None


@pytest.mark.parametrize("age", range(0, 37))
def test_list_by_age_gives_articles_for_every_month(age):
    articles = as_json(run("list", "--age-months", str(age), "--locale", "zh", "--json"))["articles"]
    assert all(a["age_from_months"] <= age <= a["age_to_months"] and a["locale"] == "zh" for a in articles)
    slugs = {a["slug"] for a in articles}
    assert {"vaccination-schedule", "checkup-schedule", "when-to-see-a-doctor"} <= slugs


def test_list_by_age_picks_the_right_stage_articles():
    newborn = {a["slug"] for a in as_json(run("list", "--age-months", "0", "--locale", "zh", "--json"))["articles"]}
    assert {"newborn-care", "newborn-home-visit", "one-month-checkup", "safe-sleep"} <= newborn
    assert "first-foods" not in newborn
    six = {a["slug"] for a in as_json(run("list", "--age-months", "6", "--locale", "zh", "--json"))["articles"]}
    assert {"first-foods", "ready-for-solids", "checkup-6-months", "vaccines-6-months"} <= six
    assert "newborn-care" not in six


def test_list_by_topic():
    articles = as_json(run("list", "--topic", "vaccination", "--locale", "zh", "--json"))["articles"]
    assert {a["slug"] for a in articles} == {
        "vaccination-schedule",
        "one-month-checkup",
        "checkup-3-months",
        "vaccines-2-months",
        "vaccines-4-months",
        "vaccines-6-months",
        "vaccines-8-months",
        "vaccines-18-months",
        "vaccines-2-years",
        "vaccines-3-years",
    }


@pytest.mark.parametrize(
    "args", [("--age-months", "37"), ("--age-months", "-1"), ("--topic", "astrology"), ("--locale", "fr")]
)
def test_list_refuses_bad_filters(args):
    result = run("list", *args, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""


def test_list_without_json_is_readable_chinese():
    result = run("list", "--age-months", "12", "--locale", "zh")
    assert result.exit_code == 0
    assert "checkup-12-months [zh]  1岁体检" in result.stdout
    assert "篇" in result.stderr


def test_show_json_adds_the_body_and_defaults_to_chinese():
    article = as_json(run("show", "safe-sleep", "--json"))
    assert set(article) >= CONTRACT_KEYS | {"body"}
    assert article["locale"] == "zh" and "仰卧" in article["body"]
    english = as_json(run("show", "safe-sleep", "--locale", "en", "--json"))
    assert english["locale"] == "en" and english["translations"] == ["zh"]


def test_show_without_json_prints_the_article_and_its_sources():
    result = run("show", "diarrhoea-and-ors")
    assert result.exit_code == 0
    assert "口服补液盐" in result.stdout and "来源" in result.stdout and "World Health Organization" in result.stdout


@pytest.mark.parametrize("args", [("no-such-article",), ("no-such-article", "--locale", "en")])
def test_show_unknown_is_exit_2(args):
    result = run("show", *args, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "错误" in result.stderr


def test_search_json():
    found = as_json(run("search", "宝宝发烧", "--locale", "zh", "--json"))
    assert found["articles"][0]["slug"] == "fever"


def test_plan_json_is_ordered_by_date():
    plan = as_json(run("plan", "--birth-date", "2025-03-10", "--json"))
    assert plan["birth_date"] == "2025-03-10"
    items = plan["items"]
    assert items[0] == {"slug": "prepare-for-baby", "send_on": "2025-02-10"}
    assert {"slug": "newborn-care", "send_on": "2025-03-10"} in items
    assert items[-1] == {"slug": "checkup-36-months", "send_on": "2028-02-09"}
    assert [i["send_on"] for i in items] == sorted(i["send_on"] for i in items)


def test_plan_for_a_late_subscriber_starts_with_the_current_item():
    items = as_json(run("plan", "--birth-date", "2025-01-01", "--today", "2025-04-11", "--json"))["items"]
    assert items[0] == {"slug": "tummy-time-and-play", "send_on": "2025-04-11"}
    assert items[1] == {"slug": "vaccines-4-months", "send_on": "2025-04-23"}


def test_plan_without_json_is_readable_chinese():
    result = run("plan", "--birth-date", "2025-01-01")
    assert result.exit_code == 0
    assert "2025-01-01  出生后第0天" in result.stdout and "新生儿日常护理" in result.stdout
    assert "预产期前28天" in result.stdout


@pytest.mark.parametrize("date", ["2025-02-30", "tomorrow", "", "0001-01-01", "9999-12-31"])
def test_plan_refuses_a_bad_date(date):
    result = run("plan", "--birth-date", date, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--birth-date" in result.stderr


def test_review_records_a_named_sign_off_in_the_audit_log():
    signed = as_json(run("review", "fever", "--by", "王医生（儿科）", "--on", "2026-12-01", "--json"))
    assert (signed["reviewed_by"], signed["reviewed_on"]) == ("王医生（儿科）", "2026-12-01")
    fever = as_json(run("show", "fever", "--json"))
    assert (fever["reviewed_by"], fever["reviewed_on"]) == ("王医生（儿科）", "2026-12-01")
    english = as_json(run("show", "fever", "--locale", "en", "--json"))
    assert english["reviewed_by"] is None  # the translation is reviewed on its own
    listed = as_json(run("list", "--locale", "zh", "--json"))["articles"]
    assert [a["slug"] for a in listed if a["reviewed_by"]] == ["fever"]
    readable = run("show", "fever")
    assert "王医生（儿科）" in readable.stdout and "待专家审核" not in readable.stdout
    from sqlalchemy import select

    from api.cli.common import store
    from api.store import audit_log
    with store().connect() as conn:
        rows = conn.execute(select(audit_log).where(audit_log.c.action == "guidance.review")).all()
    assert [(r.target, r.detail["reviewed_by"]) for r in rows] == [("fever.zh", "王医生（儿科）")]


def test_unreviewed_articles_say_they_await_expert_review():
    result = run("show", "safe-sleep")
    assert "待专家审核" in result.stdout


@pytest.mark.parametrize("args", [("no-such-article", "--by", "王医生"), ("fever", "--by", " "),
                                  ("fever", "--by", "王医生", "--on", "2026-13-01")])
def test_review_refuses_bad_input(args):
    result = run("review", *args, "--json")
    assert result.exit_code == 2 and result.stdout == ""
