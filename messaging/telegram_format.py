"""Telegram's format: its HTML subset (parse_mode=HTML) and its limit of 4,096 UTF-16 units a message.

Pure functions, no network. The outbound channel (messaging/telegram.py) renders stage items with
`render_telegram`; the inbound adapter (bot/telegram_render.py) splits replies with the same length rule.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from markdown_it.tree import SyntaxTreeNode

from content.guidance.model import Article
from content.guidance.render import INTERNAL_SCHEME, LABELS, LinkFor, markdown_parser, review_line, source_line

TELEGRAM_LIMIT = 4096

BROADCAST_FOOTER = {
    "zh": "\n\n——托育圈。回复 /stop 不再接收消息。",
    "en": "\n\n— carecircle. Reply /stop to stop these messages.",
}


def render_telegram(article: Article, link_for: LinkFor | None = None) -> list[str]:
    """The article as Telegram HTML messages (parse_mode=HTML), each at most 4,096 characters, split
    between paragraphs. Without `link_for`, internal links show their text in bold. Articles are immutable, so each
    is rendered once per link style (the cache holds the article, so its identity stays its own)."""
    return list(_rendered(_Same(article), link_for))


class _Same:
    """An article compared by identity: a cache key that costs nothing to hash."""

    __slots__ = ("article",)

    def __init__(self, article: Article) -> None:
        self.article = article

    def __hash__(self) -> int:
        return id(self.article)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.article is self.article


@lru_cache(maxsize=1024)
def _rendered(key: _Same, link_for: LinkFor | None) -> tuple[str, ...]:
    article = key.article
    root = SyntaxTreeNode(markdown_parser().parse(article.body))
    renderer = _TelegramRenderer(article.locale, link_for)
    labels = LABELS[article.locale]
    sources = "\n".join(f"• {_escape(source_line(article, i))}" for i in range(len(article.sources)))
    blocks = [
        f"<b>{_escape(article.title)}</b>",
        *(b for child in root.children for b in renderer.blocks(child)),
        f"<b>{_escape(labels['closing'])}</b>",
        f"<i>{labels['sources']}</i>\n{sources}\n<i>{_escape(review_line(article))}</i>",
    ]
    return tuple(pack_messages(blocks))


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
