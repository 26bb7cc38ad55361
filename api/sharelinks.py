"""Share links made by community workers: codes, targets and counts (no personal data).

A link /s/<code> opens a community's finder, a centre's page or a campaign page, and offers the Telegram deep link
with the payload c-<code> and, when WeChat is configured, the account's permanent QR code with the scene c-<code>.
`opened` counts page opens; `bot_started` counts /start c-<code> reaching the bot and follows or scans of the QR.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Engine, insert, select, update

from api.i18n import Msg, msg
from api.store import share_links
from common import as_utc

CODE_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/l/I
CODE_LENGTH = 8
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
PAYLOAD_PREFIX = "c-"
# A path on this site: never "//host", nor a backslash after the slash (browsers read "/\host" as "//host").
SITE_PATH = re.compile(r"^/(?![/\\])[\w\-./?=&%#]*$")


class LinkKind(StrEnum):
    community = "community"  # target: a county code ("150627"), a place name ("天骄社区") or "lat,lon" (WGS-84)
    centre = "centre"  # target: the centre's filing number
    campaign = "campaign"  # target: a page of this site, e.g. "/leave" or "/guidance/safe-sleep"


@dataclass(frozen=True)
class ShareLink:
    code: str
    kind: LinkKind
    target: str
    title: str | None
    created_by: str
    created_at: datetime
    opened: int = 0
    bot_started: int = 0
    wechat_url: str | None = None  # what the link's permanent WeChat QR code encodes, once made

    @property
    def path(self) -> str:
        return f"/s/{self.code}"

    @property
    def payload(self) -> str:
        return start_payload(self.code)


class ShareLinkError(ValueError):
    """Bad input for a new link, naming the field."""

    def __init__(self, field: str, message: Msg):
        super().__init__(f"{field}: {message.both()}")
        self.field, self.message = field, message


# --- the store ---------------------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def start_payload(code: str) -> str:
    """The Telegram /start payload of a link (≤ 64 characters of [A-Za-z0-9_-])."""
    return PAYLOAD_PREFIX + code


def code_of_payload(payload: str) -> str | None:
    """"c-Ab3dEf7h" → "Ab3dEf7h"; anything else → None."""
    if payload.startswith(PAYLOAD_PREFIX) and CODE_PATTERN.match(code := payload[len(PAYLOAD_PREFIX):]):
        return code
    return None


def check_target(kind: LinkKind | str, target: str) -> tuple[LinkKind, str]:
    try:
        link_kind = LinkKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in LinkKind)
        raise ShareLinkError("kind", msg("api.link_kind", kind=kind, allowed=allowed)) from None
    target = target.strip()
    if not target or len(target) > 120:
        raise ShareLinkError("target", msg("api.link_target"))
    if link_kind is LinkKind.campaign and not SITE_PATH.match(target):
        raise ShareLinkError("target", msg("api.link_campaign_target"))
    return link_kind, target


def create_link(engine: Engine, kind: LinkKind | str, target: str, created_by: str, title: str | None = None,
                code: str | None = None) -> ShareLink:
    """A new link with a fresh random code (or the code given, if free)."""
    link_kind, target = check_target(kind, target)
    if code is not None and not CODE_PATTERN.match(code):
        raise ShareLinkError("code", msg("api.link_code"))
    link = ShareLink(code or new_code(), link_kind, target, (title or "").strip()[:120] or None, created_by,
                     datetime.now(UTC))
    with engine.begin() as conn:
        if conn.execute(select(share_links.c.code).where(share_links.c.code == link.code)).first():
            raise ShareLinkError("code", msg("api.link_code_taken", code=link.code))
        conn.execute(insert(share_links).values(
            code=link.code, kind=link.kind.value, target=link.target, title=link.title, created_by=created_by,
            created_at=link.created_at, opened=0, bot_started=0))
    return link


def _link(row: object) -> ShareLink:
    r = row._mapping  # type: ignore[attr-defined]
    created = as_utc(r["created_at"])
    return ShareLink(r["code"], LinkKind(r["kind"]), r["target"], r["title"], r["created_by"], created,
                     r["opened"], r["bot_started"], r["wechat_url"])


def get_link(engine: Engine, code: str) -> ShareLink | None:
    with engine.connect() as conn:
        row = conn.execute(select(share_links).where(share_links.c.code == code)).first()
    return _link(row) if row else None


def list_links(engine: Engine, created_by: str | None = None) -> list[ShareLink]:
    query = select(share_links).order_by(share_links.c.created_at.desc(), share_links.c.code)
    if created_by is not None:
        query = query.where(share_links.c.created_by == created_by)
    with engine.connect() as conn:
        return [_link(row) for row in conn.execute(query)]


def count_open(engine: Engine, code: str) -> bool:
    """One more open of the link (a number only: nothing about who opened it)."""
    with engine.begin() as conn:
        result = conn.execute(update(share_links).where(share_links.c.code == code)
                              .values(opened=share_links.c.opened + 1))
    return result.rowcount == 1


def count_bot_started(engine: Engine, code: str) -> ShareLink | None:
    """The link behind a /start c-<code>, counted as having started the bot; None for an unknown code."""
    with engine.begin() as conn:
        changed = conn.execute(update(share_links).where(share_links.c.code == code)
                               .values(bot_started=share_links.c.bot_started + 1)).rowcount
    return get_link(engine, code) if changed else None


def wechat_qr(engine: Engine, link: ShareLink, create: Callable[[str], tuple[str, str]]) -> str | None:
    """The URL the link's permanent WeChat QR code encodes (QR_LIMIT_STR_SCENE, scene c-<code>), made once and kept:
    an account has 100,000 of them, and printed posters need codes that never expire. None if WeChat refuses."""
    if link.wechat_url:
        return link.wechat_url
    try:
        ticket, url = create(link.payload)
    except Exception as exc:  # the poster still has the web link's code
        logging.getLogger(__name__).warning("no WeChat QR code for link %s: %s", link.code, exc)
        return None
    with engine.begin() as conn:
        conn.execute(update(share_links).where(share_links.c.code == link.code)
                     .values(wechat_ticket=ticket, wechat_url=url))
    return url
