"""The flows, one module per topic. Each flow takes the conversation state and the message, asks the domain,
and returns a Turn worded by bot/answers.py. The engine (bot/engine.py) only routes between them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from common import Recipient, china_today
from content.guidance.library import Library
from geodata.gazetteer import Gazetteer
from geodata.geocode import Geocoder
from geodata.registry import Registry


@dataclass(frozen=True)
class Preset:
    """What a shared deep link sets: a region, a centre or a campaign."""

    region_code: str | None = None
    centre_id: str | None = None
    campaign: str | None = None
    title: str | None = None


class Subscriptions(Protocol):
    """The part of the subscription service the flows use."""

    def subscribe(self, recipient: Recipient, birth_date: date, region_code: str | None, language: str,
                  consent_at: datetime) -> object: ...

    def stop(self, recipient: Recipient) -> bool: ...

    def forget(self, recipient: Recipient) -> None: ...

    def mark_loss(self, recipient: Recipient) -> None: ...


@dataclass
class Context:
    """What every flow may use: the domain services and the engine's settings."""

    registry: Registry
    gazetteer: Gazetteer
    geocoder: Geocoder
    library: Library
    subscriptions: Subscriptions | None
    deep_links: Callable[[str], Preset | None]
    clock: Callable[[], datetime]
    web_url: str
    bot_username: str | None
    wechat: bool = False  # the WeChat Official Account is configured: subscribing there is offered

    def today(self) -> date:
        return china_today(self.clock())
