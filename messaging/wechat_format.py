"""WeChat's format: plain text (no HTML, no inline buttons), at most 2,048 bytes (UTF-8) a text message.

Pure functions, no network. Articles go as their title, summary and a short link to the web page; template messages
carry a title of at most 20 characters, a date and that link. The inbound adapter (bot/wechat_render.py) renders the
engine's replies with the same splitting rule.
"""

from __future__ import annotations

from datetime import date

from content.guidance.model import Article
from messaging.textsplit import split, utf8_bytes

TEXT_LIMIT_BYTES = 2048  # a passive reply's or a customer-service text message's Content
TEMPLATE_TITLE_CHARS = 20  # a template's "thing" value

BROADCAST_FOOTER = {
    "zh": "\n\n——托育圈。回复“退订”不再接收消息。",
    "en": "\n\n— carecircle. Reply “stop” to stop these messages.",
}
ARTICLE_LABELS = {
    "zh": {"kind": "育儿指导", "more": "全文", "stop": "回复“退订”不再接收。"},
    "en": {"kind": "Guidance", "more": "Read it all", "stop": "Reply “stop” to stop these messages."},
}


def split_text(text: str, limit: int = TEXT_LIMIT_BYTES) -> list[str]:
    """Pieces of at most `limit` UTF-8 bytes, cut at a paragraph, line or sentence end where one is near."""
    return split(text, limit, utf8_bytes)


def article_text(article: Article, link: str | None, language: str) -> str:
    """A stage item as a WeChat text message: what it is, its title and summary, and the link to read it all."""
    labels = ARTICLE_LABELS.get(language, ARTICLE_LABELS["zh"])
    lines = [f"【{labels['kind']}】{article.title}", article.summary.strip()]
    if link:
        lines.append(f"{labels['more']}：{link}")
    return "\n".join(line for line in lines if line) + "\n\n" + labels["stop"]


def broadcast_text(text: str, language: str) -> str:
    return text.strip() + BROADCAST_FOOTER.get(language, BROADCAST_FOOTER["zh"])


def template_title(text: str) -> str:
    """The first line of a text, cut to what a template's title field takes."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= TEMPLATE_TITLE_CHARS else first[:TEMPLATE_TITLE_CHARS - 1] + "…"


def template_data(fields: tuple[str, str], title: str, day: date) -> dict[str, dict[str, str]]:
    """Template (or subscription) message data: the title and the date, under the template's own keys."""
    title_key, date_key = fields
    return {title_key: {"value": template_title(title)}, date_key: {"value": day.isoformat()}}
