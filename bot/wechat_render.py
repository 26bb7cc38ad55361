"""Turning the engine's Replies into WeChat plain text: numbered choices instead of buttons, links as text.

WeChat has no inline keyboards and no HTML. A data button becomes a numbered line ("回复 1 查看下一页"); the numbers
run across the whole answer, and `Rendered.choices` lists the buttons' data in that order, so that the adapter can
map a reply "1" back to the first button (it keeps them in the conversation state). A link button becomes its
label and the address. A location request says how to send one. Pure functions, no network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bilingual import msg
from bot.replies import Reply
from messaging.wechat_format import TEXT_LIMIT_BYTES, split_text

MAX_CHOICES = 20


@dataclass(frozen=True)
class Rendered:
    messages: tuple[str, ...]  # each within WeChat's 2,048 bytes; the first can be the passive reply
    choices: tuple[str, ...]  # the data of the numbered buttons: "1" is choices[0]

    @property
    def text(self) -> str:
        return "\n\n".join(self.messages)


def render(replies: Sequence[Reply], language: str, limit: int = TEXT_LIMIT_BYTES) -> Rendered:
    choices: list[str] = []
    blocks: list[str] = []
    for reply in replies:
        lines = [reply.text.strip()] if reply.text.strip() else []
        for row in reply.buttons:
            for button in row:
                if button.url:
                    lines.append(f"{button.label}：{button.url}")
                elif button.data and len(choices) < MAX_CHOICES:
                    choices.append(button.data)
                    lines.append(msg("bot.wechat.choice", n=len(choices), label=button.label)(language))
        if reply.request_location:
            lines.append(msg("bot.wechat.location_hint")(language))
        if lines:
            blocks.append("\n".join(lines))
    return Rendered(tuple(split_text("\n\n".join(blocks), limit)), tuple(choices))


def choice(text: str, choices: Sequence[str]) -> str | None:
    """The button data a reply such as "1", "１" or "回复2" picks, or None."""
    digits = text.strip().removeprefix("回复").strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if digits.isdigit() and 1 <= int(digits) <= len(choices):
        return choices[int(digits) - 1]
    return None
