"""What goes into and comes out of the dialogue engine, whatever the channel.

Each channel (Telegram, WeChat, the web chat, the console) turns its input into a Message and renders the Replies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from common import Recipient


@dataclass(frozen=True)
class Message:
    """One thing the parent sent: text, a shared location, a command with its argument, or a button's data."""

    text: str = ""
    location: tuple[float, float] | None = None  # WGS-84 (lat, lon); used to answer, never stored
    command: str | None = None  # "start", "help", "nearby", … without the slash
    argument: str = ""  # "/start PAYLOAD" → "PAYLOAD"; "/subscribe 2025-03-01" → "2025-03-01"
    button: str | None = None  # a button's data, as given in Button.data
    recipient: Recipient | None = None  # the messenger user (Telegram chat, WeChat openid); subscriptions need it


@dataclass(frozen=True)
class Button:
    """A quick reply. `data` (≤ 64 bytes) comes back as Message.button; `url` opens a link instead."""

    label: str
    data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Reply:
    """Plain text (the channel escapes it), with optional button rows and a location request."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    request_location: bool = False
    html: str | None = None  # an optional richer form in Telegram's HTML subset (already safe)


@dataclass(frozen=True)
class Turn:
    """The engine's answer to one message: its reading of the intent, and the replies in order."""

    intent: str
    replies: tuple[Reply, ...] = field(default_factory=tuple)
    centres: tuple[str, ...] = ()  # the ids of the centres this answer lists, in the order shown

    @property
    def text(self) -> str:
        return "\n\n".join(r.text for r in self.replies)


# Typed in any text channel (WeChat, the web chat, the console): /commands, and words that mean /stop or /forget.
TYPED_COMMANDS = {"start", "help", "nearby", "leave", "guide", "subscribe", "stop", "forget", "language"}
STOP_WORDS = {"退订", "取消订阅", "停止推送", "不要再发了", "td", "stop", "unsubscribe"}  # as /stop
FORGET_WORDS = {"删除我的数据", "删除数据", "删除我的信息", "删掉我的信息", "把我的信息都删掉", "把我的信息删掉",
                "删除我的资料", "forget", "forget me", "delete my data"}  # as /forget


def typed(text: str, who: Recipient | None = None) -> Message:
    """Typed text: a /command, 退订 (/stop), 删除我的数据 (/forget), or words for the engine."""
    stripped = text.strip()
    word = stripped.lower().strip("。.!！ ")
    if word in STOP_WORDS:
        return Message(text=stripped, command="stop", recipient=who)
    if word in FORGET_WORDS:
        return Message(text=stripped, command="forget", recipient=who)
    if stripped.startswith("/"):
        name, _, argument = stripped[1:].partition(" ")
        if name.lower() in TYPED_COMMANDS:
            return Message(text=stripped, command=name.lower(), argument=argument.strip(), recipient=who)
    return Message(text=stripped, recipient=who)
