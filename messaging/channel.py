"""The channel protocol: what the sender needs from Telegram, WeChat or any other messenger.

The sender (messaging/sender.py) claims outbox rows of one channel, asks the channel for the parts of each item
(`parts`), and sends them one by one (`send`) within the channel's limits (`rate`, `per_user_interval`). A channel
answers a send by returning (`Delivered.part`, or `Delivered.whole` when that one message carried the whole item,
as a WeChat template message with its link does) or by raising one of the errors below, which say what the sender
does next. Formats (Telegram HTML, WeChat text) belong to the channel, never to content/.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

STAGE_PREFIX = "guide:"
BROADCAST_PREFIX = "broadcast:"


@dataclass(frozen=True)
class Item:
    """What one outbox row asks to send: a stage item (`slug`) or a staff broadcast (`text`), in a language."""

    key: str  # the outbox item: "guide:<slug>" or "broadcast:<id>"
    language: str
    broadcast_text: str | None = None

    @property
    def slug(self) -> str | None:
        return self.key.removeprefix(STAGE_PREFIX) if self.key.startswith(STAGE_PREFIX) else None

    @property
    def broadcast_id(self) -> str | None:
        return self.key.removeprefix(BROADCAST_PREFIX) if self.key.startswith(BROADCAST_PREFIX) else None


class Delivered(Enum):
    part = "part"  # this part went out; the next part follows
    whole = "whole"  # this message carried the whole item (the remaining parts are not needed)


class Channel(Protocol):
    name: str  # "telegram", "wechat": the subscribers.channel of the rows this channel sends
    rate: float | None  # messages a second over all users (None: no limit)
    per_user_interval: float  # seconds between two messages to the same user

    def parts(self, item: Item) -> list[str]:
        """The messages that carry the item, in order (raise to fail the row: an unknown article)."""
        ...

    async def send(self, user_id: str, item: Item, part: str) -> Delivered:
        """Sends one part; raises a DeliveryError subclass (or any exception, read as a network fault)."""
        ...


class DeliveryError(Exception):
    """A send that did not go out; the subclass says what the sender does next."""


class Blocked(DeliveryError):
    """The user blocked the bot or unfollowed the account: no more messages of any kind to them."""


class RateLimited(DeliveryError):
    """The channel asked to wait (Telegram's 429, WeChat's daily quota 45009): every send of the channel pauses."""

    def __init__(self, seconds: float, message: str = "") -> None:
        super().__init__(message or f"rate limited for {seconds:g} s")
        self.seconds = seconds


class Refused(DeliveryError):
    """The channel refused this message for good (a bad request, no usable way to reach the user now)."""


class Transient(DeliveryError):
    """A timeout, a dropped connection or a server fault: try again later, with backoff."""


class Misconfigured(DeliveryError):
    """The channel's credentials or address are wrong: the sender stops rather than fail every message."""
