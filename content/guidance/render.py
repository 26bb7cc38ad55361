"""Article bodies as safe HTML for the web, and as Telegram HTML messages for the bot.

Both show the article's sources and review date: facts shown to parents carry their source. Internal links
(`guidance:<slug>`) become URLs through `link_for(slug, locale)`; the web and bot layers pass their own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from content.guidance.model import Article

TELEGRAM_LIMIT = 4096
INTERNAL_SCHEME = "guidance:"
LinkFor = Callable[[str, str], str]

LABELS = {
    "zh": {"sources": "来源", "written": "编写日期：", "reviewed": "审核：", "awaiting": "待专家审核",
           "closing": "本文是一般性的育儿知识，不能代替医生的诊断。孩子不舒服请及时就医；紧急情况请立即拨打120。"},
    "en": {"sources": "Sources", "written": "Written on: ", "reviewed": "Reviewed: ",
           "awaiting": "awaiting expert review",
           "closing": "This is general guidance, not a doctor's diagnosis. If your child is unwell, see a doctor; "
                      "in an emergency, call 120 at once."},
}


def review_line(article: Article) -> str:
    """"编写日期：… · 审核：待专家审核" until a named reviewer signs off, then the reviewer and the date."""
    labels = LABELS[article.locale]
    if article.reviewed_by is not None and article.reviewed_on is not None:
        separator = "，" if article.locale == "zh" else ", "
        review = f"{article.reviewed_by}{separator}{article.reviewed_on.isoformat()}"
    else:
        review = labels["awaiting"]
    return f"{labels['written']}{article.written_on.isoformat()} · {labels['reviewed']}{review}"


def web_link(slug: str, locale: str) -> str:
    """The default address of an article page."""
    return f"/guidance/{slug}" + ("" if locale == "zh" else f"?locale={locale}")


def _markdown() -> MarkdownIt:
    # CommonMark with raw HTML switched off: any HTML in an article is shown as text, never run.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _source_line(article: Article, index: int) -> str:
    source = article.sources[index]
    quoted = f"《{source.title}》" if article.locale == "zh" else source.title
    separator = "，" if article.locale == "zh" else ", "
    return separator.join((quoted, source.issuer, str(source.year)))


# --- web -------------------------------------------------------------------------------------------------


def render_html(article: Article, link_for: LinkFor = web_link) -> str:
    """The body as safe HTML, followed by its sources and review date."""
    md = _markdown()
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


# --- Telegram --------------------------------------------------------------------------------------------


def render_telegram(article: Article, link_for: LinkFor | None = None) -> list[str]:
    """The article as Telegram HTML messages (parse_mode=HTML), each at most 4,096 characters, split
    between paragraphs. Without `link_for`, internal links show their text in bold."""
    root = SyntaxTreeNode(_markdown().parse(article.body))
    renderer = _TelegramRenderer(article.locale, link_for)
    labels = LABELS[article.locale]
    sources = "\n".join(f"• {_escape(_source_line(article, i))}" for i in range(len(article.sources)))
    blocks = [
        f"<b>{_escape(article.title)}</b>",
        *(b for child in root.children for b in renderer.blocks(child)),
        f"<b>{_escape(labels['closing'])}</b>",
        f"<i>{labels['sources']}</i>\n{sources}\n<i>{_escape(review_line(article))}</i>",
    ]
    return pack_messages(blocks)


def telegram_length(text: str) -> int:
    """Telegram counts UTF-16 code units; counting the HTML markup as well keeps us on the safe side."""
    return len(text.encode("utf-16-le")) // 2


def pack_messages(blocks: list[str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Joins blocks with blank lines into as few messages as fit; never splits inside a block unless
    that block alone is too long (then at line ends, then at sentence ends, as plain text)."""
    messages: list[str] = []
    current = ""
    for piece in (p for block in blocks for p in _fit(block, limit)):
        candidate = f"{current}\n\n{piece}" if current else piece
        if telegram_length(candidate) <= limit:
            current = candidate
        else:
            messages.append(current)
            current = piece
    if current:
        messages.append(current)
    return messages


def _fit(block: str, limit: int) -> list[str]:
    if telegram_length(block) <= limit:
        return [block]
    lines = block.split("\n")
    if len(lines) > 1 and all(_balanced(line) for line in lines):
        return [piece for line in lines for piece in _fit(line, limit)]
    # A single over-long paragraph: drop its markup and cut it at sentence ends.
    plain = _escape(html.unescape(re.sub(r"<[^>]+>", "", block)))
    sentences = re.findall(r"[^。！？.!?]+[。！？.!?]*", plain) or [plain]
    pieces, current = [], ""
    for sentence in sentences:
        while telegram_length(sentence) > limit:  # no sentence end in sight: cut hard
            pieces.append(sentence[: limit // 2])
            sentence = sentence[limit // 2 :]
        if telegram_length(current + sentence) > limit:
            pieces.append(current)
            current = ""
        current += sentence
    return [*pieces, current] if current else pieces


def _balanced(fragment: str) -> bool:
    opened = re.findall(r"<([a-z]+)[ >]", fragment)
    closed = re.findall(r"</([a-z]+)>", fragment)
    return sorted(opened) == sorted(closed)


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


class _TelegramRenderer:
    """Markdown syntax tree -> blocks of Telegram's HTML subset (<b>, <i>, <a>, <code>, <pre>, <blockquote>)."""

    def __init__(self, locale: str, link_for: LinkFor | None) -> None:
        self.locale = locale
        self.link_for = link_for

    def blocks(self, node: SyntaxTreeNode, depth: int = 0) -> list[str]:
        match node.type:
            case "paragraph":
                return [self.inline(node)]
            case "heading":
                return [f"<b>{self.inline(node)}</b>"]
            case "bullet_list" | "ordered_list":
                return ["\n".join(self.list_lines(node, depth))]
            case "blockquote":
                inner = "\n\n".join(b for child in node.children for b in self.blocks(child, depth))
                return [f"<blockquote>{inner}</blockquote>"]
            case "fence" | "code_block":
                return [f"<pre>{_escape(node.content.rstrip())}</pre>"]
            case _:  # hr and anything else without a Telegram form
                return []

    def list_lines(self, node: SyntaxTreeNode, depth: int) -> list[str]:
        start = int(str(node.attrs.get("start", 1))) if node.type == "ordered_list" else 0
        lines = []
        for number, item in enumerate(node.children, start=start):
            marker = f"{number}." if node.type == "ordered_list" else "•"
            first = True
            for child in item.children:
                if child.type in ("bullet_list", "ordered_list"):
                    lines += self.list_lines(child, depth + 1)
                    continue
                for block in self.blocks(child, depth + 1):
                    prefix = f"{marker} " if first else "  "
                    lines.append("  " * depth + prefix + block)
                    first = False
        return lines

    def inline(self, node: SyntaxTreeNode) -> str:
        return "".join(self.span(child) for child in node.children)

    def span(self, node: SyntaxTreeNode) -> str:
        match node.type:
            case "inline":
                return self.inline(node)
            case "text":
                return _escape(node.content)
            case "softbreak" | "hardbreak":
                return "\n"
            case "strong":
                return f"<b>{self.inline(node)}</b>"
            case "em":
                return f"<i>{self.inline(node)}</i>"
            case "code_inline":
                return f"<code>{_escape(node.content)}</code>"
            case "link":
                return self.link(node)
            case "image":
                return _escape(node.content)
            case _:
                return self.inline(node) if node.children else _escape(node.content)

    def link(self, node: SyntaxTreeNode) -> str:
        text = self.inline(node)
        href = str(node.attrs.get("href", ""))
        if href.startswith(INTERNAL_SCHEME):
            if self.link_for is None:
                return f"<b>{text}</b>"
            href = self.link_for(href.removeprefix(INTERNAL_SCHEME), self.locale)
        return f'<a href="{html.escape(href, quote=True)}">{text}</a>'
