"""Article bodies as safe HTML for the web, and the pieces every channel's format shares.

Every form shows the article's sources and review date: facts shown to parents carry their source. Internal links
(`guidance:<slug>`) become URLs through `link_for(slug, locale)`. Channel formats (Telegram HTML, WeChat text) live
at the edges, in messaging/; they read the Markdown with `markdown_parser()` and cite with `source_line()`.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token

from content.guidance.model import Article

INTERNAL_SCHEME = "guidance:"
LinkFor = Callable[[str, str], str]

LABELS = {
    "zh": {"sources": "来源", "reviewed": "审核日期："},
    "en": {"sources": "Sources", "reviewed": "Reviewed on: "},
}


def web_link(slug: str, locale: str) -> str:
    """The default address of an article page."""
    return f"/guidance/{slug}" + ("" if locale == "zh" else f"?locale={locale}")


def markdown_parser() -> MarkdownIt:
    # CommonMark with raw HTML switched off: any HTML in an article is shown as text, never run.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def source_line(article: Article, index: int) -> str:
    source = article.sources[index]
    quoted = f"《{source.title}》" if article.locale == "zh" else source.title
    separator = "，" if article.locale == "zh" else ", "
    return separator.join((quoted, source.issuer, str(source.year)))


# --- web -------------------------------------------------------------------------------------------------


def render_html(article: Article, link_for: LinkFor = web_link) -> str:
    """The body as safe HTML, followed by its sources and review date."""
    md = markdown_parser()
    tokens = md.parse(article.body)
    for token in _all_tokens(tokens):
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            if href.startswith(INTERNAL_SCHEME):
                token.attrSet("href", link_for(href.removeprefix(INTERNAL_SCHEME), article.locale))
            else:
                token.attrSet("rel", "noopener noreferrer")
    body = md.renderer.render(tokens, md.options, {})
    labels = LABELS[article.locale]
    items = "".join(f"<li>{html.escape(source_line(article, i))}</li>" for i in range(len(article.sources)))
    return (
        f'{body}<section class="guidance-sources"><h2>{labels["sources"]}</h2><ul>{items}</ul>'
        f"<p>{labels['reviewed']}{article.reviewed_on.isoformat()}</p></section>\n"
    )


def _all_tokens(tokens: list[Token]) -> list[Token]:
    return [t for token in tokens for t in (token, *_all_tokens(token.children or []))]
