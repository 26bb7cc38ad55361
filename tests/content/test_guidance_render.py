"""Rendering: safe web HTML with its sources (Telegram's format is tested in tests/messaging)."""

from __future__ import annotations

import datetime as dt

from content.guidance import Article, Source, render_html
from messaging.telegram_format import render_telegram


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


def test_every_article_points_to_a_doctor_and_to_120_on_every_surface() -> None:
    from content.guidance import load_library

    for item in load_library().articles:
        doctor = "医生" if item.locale == "zh" else "doctor"
        html = render_html(item)
        telegram = "\n".join(render_telegram(item))
        for text in (html, telegram):
            assert "120" in text and doctor in text, item.slug
