"""Rendering: safe web HTML, and Telegram HTML messages within 4,096 characters, split between paragraphs."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from content.guidance import TELEGRAM_LIMIT, Article, Source, load_library, pack_messages, render_html, render_telegram
from content.guidance.render import telegram_length

TELEGRAM_TAGS = {"b", "i", "a", "code", "pre", "blockquote"}


def article(body: str, locale: str = "zh") -> Article:
    return Article(
        slug="sample",
        locale=locale,  # type: ignore[arg-type]
        title="示例 <标题>",
        summary="摘要",
        age_from_months=0,
        age_to_months=6,
        topics=["sleep"],  # type: ignore[list-item]
        sources=[Source(title="某指南", issuer="某机构", year=2022)],
        written_on=dt.date(2026, 1, 1),
        body=body,
    )


def tags_in(html: str) -> set[str]:
    return set(re.findall(r"</?([a-z0-9]+)", html))


def assert_balanced(html: str) -> None:
    for tag in TELEGRAM_TAGS:
        assert len(re.findall(rf"<{tag}[ >]", html)) == html.count(f"</{tag}>"), (tag, html)


# --- web -------------------------------------------------------------------------------------------------


def test_web_html_escapes_raw_html_and_drops_script_links():
    html = render_html(article("<script>alert(1)</script>\n\n[点我](javascript:alert(1)) 和 **重点**"))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert "<strong>重点</strong>" in html


def test_web_html_rewrites_internal_links_and_marks_external_ones():
    html = render_html(
        article("见[发热](guidance:fever)，或[世卫](https://www.who.int)。"),
        link_for=lambda slug, locale: f"/g/{locale}/{slug}",
    )
    assert '<a href="/g/zh/fever">发热</a>' in html
    assert '<a href="https://www.who.int" rel="noopener noreferrer">世卫</a>' in html


def test_web_html_ends_with_sources_and_review_date():
    html = render_html(article("正文"))
    assert html.index("正文") < html.index("来源") < html.index("<cite>《某指南》</cite>，某机构，2022") \
        < html.index("2026-01-01") < html.index("待专家审核")


def test_a_signed_off_article_names_its_reviewer_and_date() -> None:
    signed = article("正文").signed_off("王医生", dt.date(2026, 12, 1))
    assert "审核：王医生，2026-12-01" in render_html(signed)
    assert "待专家审核" not in render_html(signed)
    assert "王医生，2026-12-01" in render_telegram(signed)[-1]


# --- Telegram --------------------------------------------------------------------------------------------


def test_telegram_uses_only_its_html_subset():
    body = "# 标题\n\n**粗** *斜* `代码`\n\n- 一\n- 二\n  - 二点一\n\n1. 甲\n2. 乙\n\n> 引用\n\n```\n<pre>\n```\n\n---"
    (message,) = render_telegram(article(body))
    assert tags_in(message) <= TELEGRAM_TAGS
    assert "<b>示例 &lt;标题&gt;</b>" in message
    assert "<b>粗</b> <i>斜</i> <code>代码</code>" in message
    assert "• 一\n• 二\n  • 二点一" in message
    assert "1. 甲\n2. 乙" in message
    assert "<blockquote>引用</blockquote>" in message
    assert "<pre>&lt;pre&gt;</pre>" in message
    assert_balanced(message)


def test_telegram_internal_links_are_bold_text_unless_a_link_maker_is_given():
    body = "见[发热](guidance:fever)。"
    assert "<b>发热</b>" in render_telegram(article(body))[0]
    linked = render_telegram(article(body), link_for=lambda slug, locale: f"https://example.org/{slug}?l={locale}&x=1")
    assert '<a href="https://example.org/fever?l=zh&amp;x=1">发热</a>' in linked[0]


def test_a_long_article_is_split_between_paragraphs():
    paragraphs = [f"第{i}段：" + "宝宝需要安全的睡眠环境。" * 20 for i in range(60)]
    messages = render_telegram(article("\n\n".join(paragraphs)))
    assert len(messages) > 1
    for message in messages:
        assert telegram_length(message) <= TELEGRAM_LIMIT
        assert_balanced(message)
    for paragraph in paragraphs:  # every paragraph arrives whole, in exactly one message
        assert sum(paragraph in m for m in messages) == 1
    assert messages[-1].endswith("2026-01-01 · 审核：待专家审核</i>")


def test_a_single_paragraph_too_long_for_one_message_is_cut_at_sentence_ends():
    sentence = "这是一句很长的话。"
    pieces = pack_messages(["<b>很长</b>" + sentence * 1000])
    assert len(pieces) > 1
    assert all(telegram_length(p) <= TELEGRAM_LIMIT for p in pieces)
    assert all(p.endswith("。") for p in pieces)
    assert "".join(pieces) == "很长" + sentence * 1000


def test_emoji_count_twice_towards_the_limit():
    assert telegram_length("😀") == 2
    assert len(pack_messages(["😀" * 3000])) == 2


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_every_bundled_article_renders_for_the_bot_and_the_web(locale):
    for item in load_library().select(locale=locale):
        messages = render_telegram(item)
        assert all(telegram_length(m) <= TELEGRAM_LIMIT for m in messages)
        assert all(tags_in(m) <= TELEGRAM_TAGS for m in messages)
        assert item.sources[0].issuer in messages[-1]
        assert "guidance:" not in render_html(item)


def test_every_article_points_to_a_doctor_and_to_120_on_every_surface() -> None:
    from content.guidance import load_library

    for item in load_library().articles:
        doctor = "医生" if item.locale == "zh" else "doctor"
        html = render_html(item)
        telegram = "\n".join(render_telegram(item))
        for text in (html, telegram):
            assert "120" in text and doctor in text, item.slug
