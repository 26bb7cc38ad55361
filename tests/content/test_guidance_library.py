"""Content checks on the bundled guidance library, and the loader's checks on broken fakes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from content.guidance import (
    ARTICLES_DIR,
    GuidanceError,
    LibraryProblems,
    Topic,
    UnknownArticle,
    library_problems,
    load_library,
    parse_article,
    read_library,
)
from content.guidance.library import DOSE_PATTERN, INTERNAL_LINK, NUTRITION_RECOMMENDATIONS, read_articles

LIBRARY = load_library()
ZH = [a for a in LIBRARY.articles if a.locale == "zh"]
EN = [a for a in LIBRARY.articles if a.locale == "en"]


# --- the bundled library ---------------------------------------------------------------------------------


def test_every_file_parses_into_an_article_with_every_field():
    files = sorted(ARTICLES_DIR.glob("*.md"))
    articles = read_articles(ARTICLES_DIR)
    assert len(articles) == len(files) == len(LIBRARY.articles)
    for article in articles:
        assert article.title and article.summary and article.body and article.topics
        assert article.sources and article.written_on


def test_the_library_has_the_promised_size():
    assert len(ZH) >= 40
    assert len(EN) >= 10


def test_the_library_has_no_problems():
    assert library_problems(LIBRARY.articles) == []


def test_age_windows_are_valid_and_cover_every_month_from_0_to_36():
    for article in LIBRARY.articles:
        assert 0 <= article.age_from_months <= article.age_to_months <= 36, article.slug
    for month in range(37):
        assert len(LIBRARY.select(age_months=month, locale="zh")) >= 20, month


def test_every_article_names_its_sources():
    for article in LIBRARY.articles:
        for source in article.sources:
            assert source.title and source.issuer
            assert 1990 <= source.year <= article.written_on.year, (article.slug, source.title)


def test_the_named_authoritative_sources_are_all_used():
    titles = {s.title for a in ZH for s in a.sources}
    for required in (
        "3岁以下婴幼儿健康养育照护指南（试行）",
        "国家免疫规划疫苗儿童免疫程序及说明（2021年版）",
        "中国居民膳食指南（2022）",
        "托育机构保育指导大纲（试行）",
        "国家基本公共卫生服务规范（第三版）",
    ):
        assert required in titles
    assert any("World Health Organization" in s.issuer for a in ZH for s in a.sources)


def test_slugs_are_unique_per_locale():
    keys = [(a.slug, a.locale) for a in LIBRARY.articles]
    assert len(keys) == len(set(keys))


def test_translations_link_both_ways_and_share_age_window_and_schedule():
    for article in EN:
        original = LIBRARY.get(article.slug, "zh")
        assert article.translations == ["zh"]
        assert original.translations == ["en"]
        assert (original.age_from_months, original.age_to_months, original.send_at_days) == (
            article.age_from_months,
            article.age_to_months,
            article.send_at_days,
        )
    assert {a.slug for a in ZH if a.translations} == {a.slug for a in EN}


def test_internal_links_resolve_in_the_same_language():
    links = 0
    for article in LIBRARY.articles:
        for target in INTERNAL_LINK.findall(article.body):
            links += 1
            assert LIBRARY.get(target, article.locale)
    assert links > 40


def test_no_article_contains_a_dose():
    for article in LIBRARY.articles:
        for text in (article.title, article.summary, article.body):
            assert not DOSE_PATTERN.search(NUTRITION_RECOMMENDATIONS.sub("", text)), article.slug
            assert not re.search(r"(mg|ml|毫克|毫升)\s*/\s*(kg|公斤|千克)", text, re.IGNORECASE)


def test_vitamin_d_is_a_recommendation_stated_once_not_a_dose():
    newborn = LIBRARY.get("newborn-care").body
    assert "维生素D 400国际单位" in newborn and "推荐量，不是药物剂量" in newborn
    assert "vitamin D 400 IU a day" in LIBRARY.get("newborn-care", "en").body


def test_illness_and_safety_articles_end_with_a_doctor_and_120():
    checked = 0
    for article in LIBRARY.articles:
        if {Topic.illness, Topic.safety, Topic.emergency} & set(article.topics):
            last = article.body.strip().split("\n\n")[-2:]  # the closing paragraph (and a "see also")
            assert any("120" in p for p in last), article.slug
            assert any(word in "".join(last) for word in ("医生", "医院", "doctor", "paediatrician")), article.slug
            checked += 1
    assert checked >= 15


def test_every_topic_has_chinese_articles():
    for topic in Topic:
        assert LIBRARY.select(topic=topic, locale="zh"), topic


# --- selecting and searching -----------------------------------------------------------------------------


def test_select_by_age_topic_and_locale():
    chosen = LIBRARY.select(age_months=18, topic="vaccination", locale="zh")
    assert {a.slug for a in chosen} == {"vaccines-18-months", "vaccination-schedule"}
    assert {a.slug for a in LIBRARY.select(age_months=0, topic=Topic.newborn, locale="zh")} >= {
        "newborn-care",
        "newborn-home-visit",
        "newborn-danger-signs",
    }
    assert all(a.locale == "en" for a in LIBRARY.select(locale="en"))


@pytest.mark.parametrize("age", [-1, 37])
def test_select_refuses_an_age_outside_0_to_36(age):
    with pytest.raises(GuidanceError, match="age_months"):
        LIBRARY.select(age_months=age)


def test_select_refuses_an_unknown_topic():
    with pytest.raises(GuidanceError, match="topic"):
        LIBRARY.select(topic="astrology")


@pytest.mark.parametrize(
    ("query", "locale", "best"),
    [
        ("宝宝发烧怎么办", "zh", "fever"),
        ("拉肚子", "zh", "diarrhoea-and-ors"),
        ("口服补液盐", "zh", "diarrhoea-and-ors"),
        ("怎么查备案", "zh", "choosing-childcare"),
        ("趴睡", "zh", "safe-sleep"),
        ("产后抑郁", "zh", "postpartum-mood"),
        ("choking", "en", "choking-first-aid"),
        ("Fever", "en", "fever"),
    ],
)
def test_search_finds_the_best_article_first(query, locale, best):
    found = LIBRARY.search(query, locale=locale)
    assert found[0].slug == best
    assert all(a.locale == locale for a in found)


def test_search_with_nothing_to_find_is_empty():
    assert LIBRARY.search("qwxzv") == []
    assert LIBRARY.search("  ") == []


def test_get_is_by_slug_and_locale(tmp_path):
    assert LIBRARY.get("fever").locale == "zh"
    assert LIBRARY.get("fever", "en").title.startswith("What to do")
    with pytest.raises(UnknownArticle):
        LIBRARY.get("no-such-article")
    write(tmp_path, "a")  # an article with no English version yet
    with pytest.raises(UnknownArticle) as missing:
        read_library(tmp_path).get("a", "en")
    assert missing.value.available == ("zh",)


def test_every_article_has_its_english_version():
    assert {a.slug for a in LIBRARY.articles if a.locale == "zh"} == {a.slug for a in EN}


# --- the loader's checks, on small fake libraries ----------------------------------------------------------

VALID = """---
slug: {slug}
locale: {locale}
title: 标题
summary: 摘要
age_from_months: 0
age_to_months: 6
send_at_days: {send}
topics: [sleep]
sources:
  - {{title: 某指南, issuer: 某机构, year: 2022}}
written_on: 2026-01-01
translations: {translations}
---
{body}
"""


def write(directory: Path, slug="a", locale="zh", send="0", translations="[]", body="正文。") -> None:
    text = VALID.format(slug=slug, locale=locale, send=send, translations=translations, body=body)
    (directory / f"{slug}.{locale}.md").write_text(text, encoding="utf-8")


def problems_of(directory: Path) -> str:
    with pytest.raises(LibraryProblems) as raised:
        read_library(directory)
    return "\n".join(raised.value.problems)


def test_a_valid_fake_library_loads(tmp_path):
    write(tmp_path, "a", translations="[en]", body="见[另一篇](guidance:b)。")
    write(tmp_path, "a", "en", translations="[zh]")
    write(tmp_path, "b", send="null")
    library = read_library(tmp_path)
    assert [(a.slug, a.locale) for a in library.articles] == [("a", "en"), ("a", "zh"), ("b", "zh")]


def test_a_missing_field_is_named_with_its_file(tmp_path):
    text = VALID.format(slug="a", locale="zh", send="0", translations="[]", body="x").replace("summary: 摘要\n", "")
    (tmp_path / "a.zh.md").write_text(text, encoding="utf-8")
    assert "a.zh.md: summary: Field required" in problems_of(tmp_path)


def test_an_inverted_age_window_is_refused():
    text = VALID.format(slug="a", locale="zh", send="0", translations="[]", body="x").replace(
        "age_from_months: 0", "age_from_months: 9"
    )
    with pytest.raises(GuidanceError, match="age_from_months"):
        parse_article(text, "a.zh.md")


@pytest.mark.parametrize("text", ["no front matter", "---\nslug: a\n", "---\n- a list\n---\nbody"])
def test_broken_front_matter_is_refused(text):
    with pytest.raises(GuidanceError, match=r"x\.md"):
        parse_article(text, "x.md")


def test_a_file_name_must_match_slug_and_locale(tmp_path):
    write(tmp_path, "a")
    (tmp_path / "a.zh.md").rename(tmp_path / "other.zh.md")
    assert "other.zh.md: file name should be a.zh.md" in problems_of(tmp_path)


def test_a_one_way_translation_is_a_problem(tmp_path):
    write(tmp_path, "a", translations="[en]")
    write(tmp_path, "a", "en")
    assert "a.en: a.zh exists but translations does not list 'zh'" in problems_of(tmp_path)


def test_a_translation_without_its_twin_is_a_problem(tmp_path):
    write(tmp_path, "a", translations="[en]")
    assert "translations lists 'en', but a.en does not exist" in problems_of(tmp_path)


def test_a_translation_must_keep_the_schedule(tmp_path):
    write(tmp_path, "a", translations="[en]")
    write(tmp_path, "a", "en", send="3", translations="[zh]")
    assert "differ from a.zh" in problems_of(tmp_path)


def test_a_broken_internal_link_is_a_problem(tmp_path):
    write(tmp_path, "a", body="见[别处](guidance:missing)。")
    assert "link to guidance:missing has no zh article" in problems_of(tmp_path)


def test_two_pushed_articles_on_one_day_are_a_problem(tmp_path):
    write(tmp_path, "a")
    write(tmp_path, "b")
    assert "send_at_days 0 is used by 2 articles" in problems_of(tmp_path)


@pytest.mark.parametrize(
    "dose",
    ["每公斤体重10毫克", "10 mg/kg", "2.5ml", "5毫升/千克", "按15mg每kg", "400 IU", "give 5 ml per kg of body weight",
     "维生素D 800国际单位", "vitamin D 2000 IU", "维生素A 400国际单位", "布洛芬 400国际单位"],
)
def test_a_dose_is_a_problem(tmp_path, dose):
    write(tmp_path, "a", body=f"退热药：{dose}。")
    assert "reads like a medicine dose" in problems_of(tmp_path)


@pytest.mark.parametrize("harmless", ["腋温37.5℃", "每孩每年3600元", "每月2000元", "冲20分钟", "html and xml",
                                     "每天补充维生素D 400国际单位（IU）", "vitamin D 400 IU a day"])
def test_ordinary_figures_are_not_doses(tmp_path, harmless):
    write(tmp_path, "a", body=harmless)
    assert read_library(tmp_path).get("a").body == harmless


def test_an_unknown_locale_is_refused_by_name():
    with pytest.raises(GuidanceError, match="locale"):
        LIBRARY.select(locale="fr")
    with pytest.raises(GuidanceError, match="locale"):
        LIBRARY.search("发烧", locale="fr")


def test_the_bundled_library_is_read_once():
    assert load_library() is LIBRARY


def test_find_keeps_a_search_to_the_age_and_topic():
    found = LIBRARY.find("疫苗", age_months=8, locale="zh")
    assert found and all(a.covers_age(8) for a in found)
    assert "vaccines-8-months" in [a.slug for a in found]
    assert LIBRARY.find(None, age_months=8, locale="zh") == LIBRARY.select(age_months=8, locale="zh")
    assert all("vaccination" in a.topics for a in LIBRARY.find("宝宝", topic="vaccination", locale="zh"))


# --- review ----------------------------------------------------------------------------------------------


def test_no_article_claims_a_review_until_a_named_reviewer_signs_it_off():
    assert all(a.reviewed_by is None and a.reviewed_on is None for a in LIBRARY.articles)


def test_a_sign_off_applies_to_the_text_it_was_given_to_only():
    import datetime as dt

    from content.guidance import SignOff

    fever = LIBRARY.get("fever")
    good = SignOff("fever", "zh", "王医生", dt.date(2026, 12, 1), fever.content_hash())
    signed = LIBRARY.with_sign_offs([good]).get("fever")
    assert (signed.reviewed_by, signed.reviewed_on) == ("王医生", dt.date(2026, 12, 1))
    assert LIBRARY.with_sign_offs([good]).get("fever", "en").reviewed_by is None
    stale = SignOff("fever", "zh", "李医生", dt.date(2026, 12, 2), "0" * 64)  # given to an earlier text
    assert LIBRARY.with_sign_offs([good, stale]).get("fever").reviewed_by is None
    assert LIBRARY.with_sign_offs([stale, good]).get("fever").reviewed_by == "王医生"
    assert fever.content_hash() == fever.signed_off("王医生", dt.date(2026, 12, 1)).content_hash()


def test_front_matter_needs_both_reviewer_and_date_or_neither():
    text = (ARTICLES_DIR / "fever.zh.md").read_text(encoding="utf-8")
    text = text.replace("reviewed_by: null", "reviewed_by: 王医生")
    with pytest.raises(GuidanceError, match="reviewed_by and reviewed_on"):
        parse_article(text)


# --- the facts issue 15 asked for, in both languages, each with its source ---------------------------------

FACTS = [
    # (slug, locale, words that must be in the body, a source title that must be cited)
    ("fever", "zh", ["腋下体温达到37.5 ℃或以上，就算发热", "3～6个月的宝宝体温达到39 ℃或以上"],
     "Integrated Management"),
    ("fever", "en", ["37.5 °C or more is a fever", "3–6 months has a temperature of 39 °C or more"], "NG143"),
    ("first-foods", "zh", ["1岁以内的宝宝不要吃蜂蜜", "鸡蛋、花生等容易引起过敏的食物，**不需要推迟添加**"],
     "Peanut Allergy"),
    ("first-foods", "en", ["Do not give honey to a baby under one", "**need not be delayed**"],
     "Early Nutritional Interventions"),
    ("vaccination-schedule", "zh", ["出生后12小时内尽早接种第1剂乙肝疫苗", "乙肝免疫球蛋白（HBIG）"], "免疫程序"),
    ("vaccination-schedule", "en", ["within 12 hours of birth", "hepatitis B immunoglobulin (HBIG)"], "2021 edition"),
    ("newborn-care", "zh", ["出生后12小时内尽早接种", "维生素D 400国际单位"], "免疫程序"),
    ("newborn-care", "en", ["within 12 hours", "vitamin D 400 IU a day"], "2021 edition"),
    ("teething-and-teeth", "zh", ["**长出第一颗牙起**", "**含氟牙膏，量只要米粒大小**"], "Fluoride"),
    ("teething-and-teeth", "en", ["**From the first tooth**", "a smear the size of a grain of rice"], "Fluoride"),
    ("constipation", "zh", ["不要自行给宝宝用泻药", "48小时"], "CG99"),
    ("constipation", "en", ["Do not give laxatives", "48 hours"], "CG99"),
    ("night-weaning", "zh", ["不要让宝宝含着奶瓶或乳头睡觉", "没有统一的时间表"], "养育照护指南"),
    ("night-weaning", "en", ["Never put a baby to bed with a bottle", "no fixed timetable"], "healthy care"),
]


@pytest.mark.parametrize(("slug", "locale", "words", "source"), FACTS)
def test_the_guidance_facts_are_stated_with_their_sources(slug, locale, words, source):
    article = LIBRARY.get(slug, locale)
    for phrase in words:
        assert phrase in article.body, (slug, locale, phrase)
    assert any(source in s.title for s in article.sources), (slug, locale, source)
