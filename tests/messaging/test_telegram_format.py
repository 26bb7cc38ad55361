"""Telegram's format: HTML messages within 4,096 characters (UTF-16 units), split between paragraphs."""

from __future__ import annotations

import re

import pytest

from content.guidance import load_library, render_html
from messaging.telegram_format import TELEGRAM_LIMIT, pack_messages, render_telegram, telegram_length
from tests.content.test_guidance_render import article

TELEGRAM_TAGS = {"b", "i", "a", "code", "pre", "blockquote"}


def tags_in(html: str) -> set[str]:
    return set(re.findall(r"</?([a-z0-9]+)", html))


def assert_balanced(html: str) -> None:
    for tag in TELEGRAM_TAGS:
        assert len(re.findall(rf"<{tag}[ >]", html)) == html.count(f"</{tag}>"), (tag, html)


# --- web -------------------------------------------------------------------------------------------------


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
    assert messages[-1].endswith("审核：待专家审核</i>")


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
