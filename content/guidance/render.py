"""Article bodies as safe HTML for the web, and the pieces every channel's format shares.

Every form shows the article's sources and review date: facts shown to parents carry their source. Internal links
(`guidance:<slug>`) become URLs through `link_for(slug, locale)`. Channel formats (Telegram HTML, WeChat text) live
at the edges, in messaging/; they read the Markdown with `markdown_parser()` and cite with `source_line()`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bilingual import LANGS, msg
from content.guidance.model import Article

INTERNAL_SCHEME = "guidance:"
LinkFor = Callable[[str, str], str]

# An article's closing words and the heading of its sources, by locale, for every channel's format (from the
# catalogue: content.article.*).
LABELS = {lang: {name: msg(f"content.article.{name}")(lang) for name in ("sources", "closing")} for lang in LANGS}


def review_line(article: Article) -> str:
    """"编写日期：… · 审核：待专家审核" until a named reviewer signs off, then the reviewer and the date."""
    if article.reviewed_by is not None and article.reviewed_on is not None:
        separator = "，" if article.locale == "zh" else ", "
        review = f"{article.reviewed_by}{separator}{article.reviewed_on.isoformat()}"
    else:
        review = msg("content.article.awaiting_review")(article.locale)
    return msg("content.article.review_line", written=article.written_on.isoformat(), review=review)(article.locale)


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
    if article.locale == "en":
        body = mark_chinese(body)
    labels = LABELS[article.locale]
    items = "".join(f"<li>{_source_html(article, i)}</li>" for i in range(len(article.sources)))
    state = "reviewed" if article.reviewed else "awaiting-review"
    return (
        f'{body}<p class="see-a-doctor">{html.escape(labels["closing"])}</p>'
        f'<section class="guidance-sources"><h2>{labels["sources"]}</h2><ul>{items}</ul>'
        f'<p class="review {state}">{html.escape(review_line(article))}</p></section>\n'
    )


def _source_html(article: Article, index: int) -> str:
    """A source with its title in <cite> (a document's title is a name: it stays in its own language)."""
    source = article.sources[index]
    quoted = f"《{source.title}》" if article.locale == "zh" else source.title
    separator = "，" if article.locale == "zh" else ", "
    return separator.join((f"<cite>{html.escape(quoted)}</cite>", html.escape(source.issuer), str(source.year)))


CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
CJK_RUN = re.compile(f"[{CJK}]+(?:[0-9.]+[{CJK}]+)*")  # 运政办发〔2020〕37号 is one run


def mark_chinese(fragment: str) -> str:
    """In an English article, the Chinese terms it glosses (备案, 市场监管局) are marked as Chinese: lang="zh-CN"
    lets screen readers and fonts treat them as such. Only text between tags is touched."""
    parts = re.split(r"(<[^>]+>)", fragment)
    return "".join(part if part.startswith("<") else CJK_RUN.sub(r'<span lang="zh-CN">\g<0></span>', part)
                   for part in parts)


def _all_tokens(tokens: list[Token]) -> list[Token]:
    return [t for token in tokens for t in (token, *_all_tokens(token.children or []))]
