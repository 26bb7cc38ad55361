"""Share links for community workers: /s/<code> for a community, a centre or a campaign, with QR codes.

A link opens the matching page and offers the Telegram deep link (https://t.me/<bot>?start=c-<code>).
Counts per code, with no personal data: `opened` here, `bot_started` when /start c-<code> reaches the bot.

Store functions for the admin pages and the bot side:
    create_link(engine, kind, target, created_by, title=None, code=None) -> ShareLink
    get_link(engine, code) -> ShareLink | None
    list_links(engine, created_by=None) -> list[ShareLink]
    count_open(engine, code) -> bool   (bot_started is counted by Services.resolve_deep_link)
    start_payload(code) -> "c-<code>"; code_of_payload("c-<code>") -> code | None
"""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import quote

import segno
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Engine, insert, select, update

from api.deps import RegistryDep, ServicesDep
from api.routes.pages import FinderQuery, centre_page, finder_page, geocoder_of
from api.store import share_links
from api.web import base_url, not_found, render, telegram_link

router = APIRouter(include_in_schema=False)

CODE_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/l/I
CODE_LENGTH = 8
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
PAYLOAD_PREFIX = "c-"
POSTER_PIXELS = 1200  # a PNG this wide prints about 10 cm across at 300 dpi
MAX_SCALE = 40
# A path on this site: never "//host", nor a backslash after the slash (browsers read "/\host" as "//host").
SITE_PATH = re.compile(r"^/(?![/\\])[\w\-./?=&%#]*$")
POINT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


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

    @property
    def path(self) -> str:
        return f"/s/{self.code}"

    @property
    def payload(self) -> str:
        return start_payload(self.code)


class ShareLinkError(ValueError):
    """Bad input for a new link, naming the field."""

    def __init__(self, field: str, zh: str, en: str):
        super().__init__(f"{field}: {zh} / {en}")
        self.field = field


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
        allowed = "、".join(k.value for k in LinkKind)
        raise ShareLinkError("kind", f"链接类型“{kind}”无法识别，可选：{allowed}",
                             f"unknown link kind '{kind}'; allowed: {allowed}") from None
    target = target.strip()
    if not target or len(target) > 120:
        raise ShareLinkError("target", "目标不能为空，且不超过120个字符", "target must be 1 to 120 characters")
    if link_kind is LinkKind.campaign and not SITE_PATH.match(target):
        raise ShareLinkError("target", "活动链接的目标应为本站页面路径，如 /leave",
                             "a campaign's target must be a path on this site, such as /leave")
    return link_kind, target


def create_link(engine: Engine, kind: LinkKind | str, target: str, created_by: str, title: str | None = None,
                code: str | None = None) -> ShareLink:
    """A new link with a fresh random code (or the code given, if free)."""
    link_kind, target = check_target(kind, target)
    if code is not None and not CODE_PATTERN.match(code):
        raise ShareLinkError("code", "短码只能包含字母、数字、- 和 _，最多32个字符",
                             "a code may hold letters, digits, - and _, at most 32 of them")
    link = ShareLink(code or new_code(), link_kind, target, (title or "").strip()[:120] or None, created_by,
                     datetime.now(UTC))
    with engine.begin() as conn:
        if conn.execute(select(share_links.c.code).where(share_links.c.code == link.code)).first():
            raise ShareLinkError("code", f"短码“{link.code}”已被使用", f"code '{link.code}' is taken")
        conn.execute(insert(share_links).values(
            code=link.code, kind=link.kind.value, target=link.target, title=link.title, created_by=created_by,
            created_at=link.created_at, opened=0, bot_started=0))
    return link


def _link(row: object) -> ShareLink:
    r = row._mapping  # type: ignore[attr-defined]
    created = r["created_at"] if r["created_at"].tzinfo else r["created_at"].replace(tzinfo=UTC)  # SQLite drops it
    return ShareLink(r["code"], LinkKind(r["kind"]), r["target"], r["title"], r["created_by"], created,
                     r["opened"], r["bot_started"])


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



# --- QR codes ----------------------------------------------------------------------------------------------


def qr_response(text: str, fmt: str, scale: int | None) -> Response:
    """A QR code of `text` as PNG or SVG, poster-sized (about 1200 px) unless a module scale is given."""
    qr = segno.make(text, error="m", micro=False)
    modules = qr.symbol_size(scale=1, border=4)[0]
    module_px = scale or max(4, POSTER_PIXELS // modules)
    out = io.BytesIO()
    if fmt == "png":
        qr.save(out, kind="png", scale=module_px, border=4)
        media = "image/png"
    else:
        qr.save(out, kind="svg", scale=module_px, border=4, xmldecl=False, title=text, light="#ffffff")
        media = "image/svg+xml"
    return Response(out.getvalue(), media_type=media, headers={"cache-control": "public, max-age=86400"})


Scale = Annotated[int | None, Query(ge=1, le=MAX_SCALE, description="pixels per QR module")]


@router.get("/centres/{centre_id}/qr.{fmt}")
def centre_qr(request: Request, registry: RegistryDep, centre_id: str, fmt: str, scale: Scale = None) -> Response:
    if fmt not in ("png", "svg") or registry.get(centre_id) is None:
        return not_found(request, ("没有这个二维码", "no such QR code"))
    return qr_response(f"{base_url(request)}/centres/{quote(centre_id)}", fmt, scale)


@router.get("/s/{code}/qr.{fmt}")
def share_qr(request: Request, services: ServicesDep, code: str, fmt: str, scale: Scale = None) -> Response:
    if fmt not in ("png", "svg") or get_link(services.engine, code) is None:
        return not_found(request, ("没有这个二维码", "no such QR code"))
    return qr_response(f"{base_url(request)}/s/{code}", fmt, scale)


# --- the link itself ---------------------------------------------------------------------------------------


def _community_point(services: Any, target: str) -> tuple[float, float, str] | None:
    """Where a community link centres the finder: "lat,lon", a county code (its seat), or a place name."""
    if target.isdigit() and (county := services.gazetteer.county(target)) is not None:
        return county.lat, county.lon, county.name
    if match := POINT.match(target):
        lat, lon = float(match.group(1)), float(match.group(2))
        return (lat, lon, "") if -90 <= lat <= 90 and -180 <= lon <= 180 else None
    found = geocoder_of(services).geocode(target)
    return (found[0].lat, found[0].lon, found[0].name) if found else None


@router.get("/s/{code}", response_class=HTMLResponse)
def open_link(request: Request, services: ServicesDep, registry: RegistryDep, code: str) -> HTMLResponse:
    """Counts the open (a number, nothing about who) and shows the link's page with its Telegram link."""
    link = get_link(services.engine, code) if CODE_PATTERN.match(code) else None
    if link is None:
        return not_found(request, ("链接不存在或已失效", "this link does not exist"))
    count_open(services.engine, code)
    extra = {"share_banner": True, "link": link, "telegram_link": telegram_link(request, link.payload),
             "og_path": link.path, "og_title": link.title or None}
    if link.kind is LinkKind.centre:
        centre = registry.get(link.target)
        if centre is None:
            return not_found(request, ("链接指向的机构已不在登记册中", "the centre of this link is no longer listed"))
        return centre_page(request, centre, extra={**extra, "og_title": link.title or centre.name})
    if link.kind is LinkKind.community:
        point = _community_point(services, link.target)
        if point is None:
            return not_found(request, ("链接指向的地点无法识别", "the place of this link is unknown"))
        query = FinderQuery(lat=point[0], lon=point[1], at=link.title or point[2] or link.target)
        return finder_page(request, registry, services, query=query, extra=extra)
    return render(request, "share.html", extra)


@router.get("/s/{code}/poster", response_class=HTMLResponse)
def poster(request: Request, services: ServicesDep, code: str) -> HTMLResponse:
    """A printable A4 poster: the title, a large QR code and the short address."""
    link = get_link(services.engine, code) if CODE_PATTERN.match(code) else None
    if link is None:
        return not_found(request, ("链接不存在或已失效", "this link does not exist"))
    return render(request, "poster.html", {"link": link, "telegram_link": telegram_link(request, link.payload)})
