"""Typed settings, read from CARECIRCLE_* environment variables when a process is wired."""

from __future__ import annotations

import re
from datetime import time

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from geodata.walk import WalkModel

QUIET_HOURS_PATTERN = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class Settings(BaseSettings):
    """Every setting of the service. The README documents each one (a test checks)."""

    model_config = SettingsConfigDict(env_prefix="CARECIRCLE_", extra="ignore")

    database_url: str = Field("sqlite:///./var/carecircle.db", description="SQLAlchemy URL of the store")
    telegram_token: SecretStr | None = Field(None, description="Telegram bot token; the bot runs only when set")
    telegram_api_url: str = Field("https://api.telegram.org/bot", description="Bot API base URL")
    public_url: str | None = Field(None, description="public base URL of the web service")
    walk_speed_kmh: float = Field(4.5, gt=0.5, le=20, description="walking speed of the circle model")
    detour_factor: float = Field(1.25, ge=1.0, le=3.0, description="network-to-straight-line ratio")
    send_rate: float = Field(25.0, gt=0, le=1000, description="broadcast sender's global limit, msg/s")
    quiet_hours: str = Field("21:00-08:00", description="local hours with no broadcast sends, HH:MM-HH:MM")
    streets_file: str | None = Field(None, description="GeoJSON LineString street network for true walks")
    geocoder_domain: str | None = Field(None, description="Nominatim domain for the optional geocoder")
    webhook_secret: SecretStr | None = Field(None, description="secret token Telegram echoes to the webhook")
    telegram_bot_username: str | None = Field(None, description="the bot's @username, for t.me deep links")
    rate_limit_per_minute: int = Field(120, ge=0, description="requests a minute per client (chat session, "
                                       "cookie or staff token where present, else address and browser); 0 = off")
    rate_limit_per_address_per_minute: int = Field(
        2400, ge=0, description="requests a minute per client address, shared by everyone behind it (carrier-grade "
                                "NAT); 0 = off")
    max_body_bytes: int = Field(65536, ge=1024, description="largest request body accepted")
    proxy_headers: bool = Field(True, description="trust X-Forwarded-For/-Proto from forwarded_allow_ips")
    forwarded_allow_ips: str = Field("127.0.0.1", description="proxies whose X-Forwarded-* headers are trusted")
    store_wait_seconds: float = Field(30.0, ge=0, le=3600, description="how long a starting command retries an "
                                                                       "unreachable store")
    store_timeout_seconds: float = Field(5.0, gt=0, le=120, description="connect timeout of one store connection")

    @field_validator("telegram_token", "webhook_secret")
    @classmethod
    def _refuse_placeholders(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip().lower() in {"", "changeme", "changethis"}:
            raise ValueError("is a placeholder; set a real secret or leave it unset")
        return value

    @field_validator("telegram_bot_username")
    @classmethod
    def _bare_username(cls, value: str | None) -> str | None:
        return value.strip().lstrip("@") or None if value else None

    @field_validator("quiet_hours")
    @classmethod
    def _check_quiet_hours(cls, value: str) -> str:
        value = value.strip()
        if value and not _parse_quiet_hours(value):
            raise ValueError("must be HH:MM-HH:MM, for example 21:00-08:00, or empty")
        return value

    @property
    def walk_model(self) -> WalkModel:
        return WalkModel(speed_kmh=self.walk_speed_kmh, detour=self.detour_factor)

    @property
    def quiet_window(self) -> tuple[time, time] | None:
        return _parse_quiet_hours(self.quiet_hours) if self.quiet_hours else None


def _parse_quiet_hours(value: str) -> tuple[time, time] | None:
    match = QUIET_HOURS_PATTERN.match(value)
    if not match:
        return None
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    if max(h1, h2) > 23 or max(m1, m2) > 59:
        return None
    return time(h1, m1), time(h2, m2)
