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
    streets_file: str | None = Field(None, description="street network for true walks: .npz from `streets import`, "
                                                       "or GeoJSON lines")
    geocoder_domain: str | None = Field(None, description="Nominatim domain for the optional geocoder")
    webhook_secret: SecretStr | None = Field(None, description="secret token Telegram echoes to the webhook")
    telegram_bot_username: str | None = Field(None, description="the bot's @username, for t.me deep links")
    rate_limit_per_minute: int = Field(120, ge=0, description="requests a minute per client (chat session, "
                                       "cookie or staff token where present, else address and browser); 0 = off")
    rate_limit_per_address_per_minute: int = Field(
        2400, ge=0, description="requests a minute per client address, shared by everyone behind it (carrier-grade "
                                "NAT); 0 = off")
    max_body_bytes: int = Field(65536, ge=1024, description="largest request body accepted")
    wechat_token: SecretStr | None = Field(None, description="WeChat callback token; the WeChat channel runs when set")
    wechat_app_id: str | None = Field(None, description="the Official Account's AppID, for API calls")
    wechat_app_secret: SecretStr | None = Field(None, description="the Official Account's AppSecret")
    wechat_aes_key: SecretStr | None = Field(None, description="EncodingAESKey: encrypted (安全模式) messages")
    wechat_api_url: str = Field("https://api.weixin.qq.com", description="WeChat API base URL (/cgi-bin/… appended)")
    wechat_send_rate: float = Field(20.0, gt=0, le=1000, description="WeChat sender's global limit, msg/s")
    wechat_template_id: str | None = Field(None, description="template message id for messages outside 48 hours")
    wechat_subscribe_template_id: str | None = Field(None, description="subscription message (订阅通知) template id")
    wechat_template_fields: str = Field("thing1,time2", description="the templates' title and date keys")
    wechat_reply_seconds: float = Field(4.0, gt=0, le=4.5, description="time a passive reply may take")
    proxy_headers: bool = Field(True, description="trust X-Forwarded-For/-Proto from forwarded_allow_ips")
    forwarded_allow_ips: str = Field("127.0.0.1", description="proxies whose X-Forwarded-* headers are trusted")
    store_wait_seconds: float = Field(30.0, ge=0, le=3600, description="how long a starting command retries an "
                                                                       "unreachable store")
    store_timeout_seconds: float = Field(5.0, gt=0, le=120, description="connect timeout of one store connection")

    @field_validator("telegram_token", "webhook_secret", "wechat_token", "wechat_app_secret")
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

    @field_validator("wechat_aes_key")
    @classmethod
    def _check_aes_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9]{43}", value.get_secret_value().strip()):
            raise ValueError("must be the 43 letters and digits of the EncodingAESKey in the WeChat console")
        return value

    @field_validator("wechat_template_fields")
    @classmethod
    def _check_template_fields(cls, value: str) -> str:
        if not re.fullmatch(r"\s*\w+\s*,\s*\w+\s*", value):
            raise ValueError("must be two keys, the title's and the date's, for example thing1,time2")
        return value

    @property
    def wechat_fields(self) -> tuple[str, str]:
        title, day = (part.strip() for part in self.wechat_template_fields.split(","))
        return title, day

    @property
    def wechat_api_ready(self) -> bool:
        """The channel can call WeChat's API (send, menus, QR codes): it has an AppID and an AppSecret."""
        return bool(self.wechat_app_id and self.wechat_app_secret)

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
