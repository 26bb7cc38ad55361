"""Rendering: safe web HTML with its sources (Telegram's format is tested in tests/messaging)."""

from __future__ import annotations

import datetime as dt

from content.guidance import Article, Source, render_html


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
        reviewed_on=dt.date(2026, 1, 1),
        body=body,
    )


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
    assert html.index("正文") < html.index("来源") < html.index("《某指南》，某机构，2022") < html.index("2026-01-01")
