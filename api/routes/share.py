"""Share links for community workers: /s/<code> for a community, a centre or a campaign, with QR codes.

A link opens the matching page and offers the Telegram deep link (https://t.me/<bot>?start=c-<code>) and, when
WeChat is configured, the account's permanent QR code (scene c-<code>), which presets the same target.
Counts per code, with no personal data: `opened` here, `bot_started` when /start c-<code> reaches the bot or a parent
follows or scans the WeChat code.

The links themselves (codes, targets, counts) are kept by api/sharelinks.py.
"""

from __future__ import annotations

import io
import re
from typing import Annotated, Any
from urllib.parse import quote

import segno
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import RegistryDep, ServicesDep
from api.i18n import msg
from api.routes.pages import FinderQuery, centre_page, finder_page
from api.sharelinks import CODE_PATTERN, LinkKind, ShareLink, count_open, get_link, wechat_qr
from api.web import base_url, not_found, render, telegram_link

router = APIRouter(include_in_schema=False)

POSTER_PIXELS = 1200  # a PNG this wide prints about 10 cm across at 300 dpi
MAX_SCALE = 40
POINT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


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
    return Response(out.getvalue(), media_type=media, headers={"cache-control": "private, max-age=86400"})


Scale = Annotated[int | None, Query(ge=1, le=MAX_SCALE, description="pixels per QR module")]


@router.get("/centres/{centre_id}/qr.{fmt}")
def centre_qr(request: Request, registry: RegistryDep, centre_id: str, fmt: str, scale: Scale = None) -> Response:
    if fmt not in ("png", "svg") or registry.get(centre_id) is None:
        return not_found(request, msg("share.no_qr"))
    return qr_response(f"{base_url(request)}/centres/{quote(centre_id)}", fmt, scale)


@router.get("/s/{code}/qr.{fmt}")
def share_qr(request: Request, services: ServicesDep, code: str, fmt: str, scale: Scale = None) -> Response:
    if fmt not in ("png", "svg") or not CODE_PATTERN.match(code) or get_link(services.engine, code) is None:
        return not_found(request, msg("share.no_qr"))
    return qr_response(f"{base_url(request)}/s/{code}", fmt, scale)


@router.get("/s/{code}/wechat-qr.{fmt}")
def share_wechat_qr(request: Request, services: ServicesDep, code: str, fmt: str, scale: Scale = None) -> Response:
    """The link's permanent WeChat QR code: scanning it follows the account with the link's target preset."""
    link = get_link(services.engine, code) if CODE_PATTERN.match(code) else None
    url = _wechat_qr(services, link) if link is not None and fmt in ("png", "svg") else None
    if url is None:
        return not_found(request, msg("share.no_qr"))
    return qr_response(url, fmt, scale)


def _wechat_qr(services: Any, link: ShareLink) -> str | None:
    """The WeChat QR code's URL when the WeChat channel is configured (made on first use), else None."""
    if services.wechat_endpoint is None or services.wechat_api is None:
        return None
    return wechat_qr(services.engine, link, services.wechat_api.create_qrcode)


# --- the link itself ---------------------------------------------------------------------------------------


def _community_point(services: Any, target: str) -> tuple[float, float, str] | None:
    """Where a community link centres the finder, and the name of that point: a county code (its seat, named),
    a place name (as the geocoder names it) or "lat,lon" (no name: the page gives the coordinates). The link's
    title never names the place: "天骄社区托育宣传" is a campaign's title, not where the search starts."""
    if target.isdigit() and (county := services.gazetteer.county(target)) is not None:
        return county.lat, county.lon, county.name
    if match := POINT.match(target):
        lat, lon = float(match.group(1)), float(match.group(2))
        return (lat, lon, "") if -90 <= lat <= 90 and -180 <= lon <= 180 else None
    found = services.geocoder.geocode(target)
    return (found[0].lat, found[0].lon, found[0].name) if found else None


@router.get("/s/{code}", response_class=HTMLResponse)
def open_link(request: Request, services: ServicesDep, registry: RegistryDep, code: str) -> HTMLResponse:
    """Counts the open (a number, nothing about who) and shows the link's page with its Telegram link."""
    link = get_link(services.engine, code) if CODE_PATTERN.match(code) else None
    if link is None:
        return not_found(request, msg("share.no_link"))
    count_open(services.engine, code)
    extra = {"share_banner": True, "link": link, "telegram_link": telegram_link(request, link.payload),
             "wechat_qr": _wechat_qr(services, link) and f"/s/{code}/wechat-qr.svg",
             "og_path": link.path, "og_title": link.title or None}
    if link.kind is LinkKind.centre:
        centre = registry.get(link.target)
        if centre is None:
            return not_found(request, msg("share.centre_gone"))
        return centre_page(request, centre, extra={**extra, "og_title": link.title or centre.name})
    if link.kind is LinkKind.community:
        point = _community_point(services, link.target)
        if point is None:
            return not_found(request, msg("share.place_unknown"))
        query = FinderQuery(lat=point[0], lon=point[1], at=point[2])
        return finder_page(request, registry, services, query=query, extra=extra)
    return render(request, "share.html", extra)


@router.get("/s/{code}/poster", response_class=HTMLResponse)
def poster(request: Request, services: ServicesDep, registry: RegistryDep, code: str) -> HTMLResponse:
    """A printable A4 poster: the title, a large QR code and the short address. A poster for a sample centre
    carries the 示例 mark; without CARECIRCLE_PUBLIC_URL it warns on screen (never on paper) that the QR code
    holds an address other people cannot open."""
    link = get_link(services.engine, code) if CODE_PATTERN.match(code) else None
    if link is None:
        return not_found(request, msg("share.no_link"))
    centre = registry.get(link.target) if link.kind is LinkKind.centre else None
    return render(request, "poster.html", {
        "link": link, "telegram_link": telegram_link(request, link.payload), "centre": centre,
        "sample": centre is not None and centre.is_sample, "public_url_set": bool(services.settings.public_url),
        "wechat_qr": _wechat_qr(services, link) and f"/s/{code}/wechat-qr.svg"})
