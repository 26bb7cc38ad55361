"""Share links: /s/<code> opens the right page with the Telegram deep link, counts opens, and draws QR codes."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy import Engine

from api import sharelinks as share
from api.app import create_app
from api.services import Services, build_services
from api.settings import Settings
from geodata.importer import read_registry_file

GOOD = Path(__file__).parents[1] / "data" / "registry_good.csv"


def make_app(services: Services) -> FastAPI:
    app = create_app(services.settings, services)
    return app


def services_with(engine: Engine, **settings: Any) -> Services:
    services = build_services(Settings(database_url="sqlite://", **settings), engine=engine)
    services.registry.save(read_registry_file(GOOD).accepted)
    return services


@pytest.fixture
def services(sqlite_store: Engine) -> Services:
    return services_with(sqlite_store, telegram_bot_username="@carecircle_bot",
                         public_url="https://tuoyu.example.cn/")


@pytest_asyncio.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers={"accept": "text/html"}) as c:
        yield c


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    return width, height


# --- the store ------------------------------------------------------------------------------------------


def test_create_and_read_links(services: Services) -> None:
    link = share.create_link(services.engine, "centre", "T-001", "worker-1", title="测试托育园")
    assert re.fullmatch(r"[A-Za-z0-9]{8}", link.code)
    assert share.get_link(services.engine, link.code) == link
    other = share.create_link(services.engine, "campaign", "/leave", "worker-2", code="leave-2025")
    assert [x.code for x in share.list_links(services.engine, created_by="worker-2")] == [other.code]
    assert {x.code for x in share.list_links(services.engine)} == {link.code, other.code}
    assert share.get_link(services.engine, "nothing") is None


@pytest.mark.parametrize(("kind", "target", "code", "field"), [
    ("poster", "T-001", None, "kind"),
    ("centre", "  ", None, "target"),
    ("campaign", "https://evil.example/", None, "target"),
    ("campaign", "//evil.example/", None, "target"),
    ("campaign", "/\\evil.example/", None, "target"),
    ("centre", "T-001", "has space", "code"),
])
def test_bad_links_are_refused_naming_the_field(services: Services, kind: str, target: str, code: str | None,
                                                field: str) -> None:
    with pytest.raises(share.ShareLinkError) as error:
        share.create_link(services.engine, kind, target, "worker", code=code)
    assert error.value.field == field


def test_a_taken_code_is_refused(services: Services) -> None:
    share.create_link(services.engine, "centre", "T-001", "worker", code="same")
    with pytest.raises(share.ShareLinkError, match="已被使用"):
        share.create_link(services.engine, "centre", "T-002", "worker", code="same")


def test_deep_link_payloads() -> None:
    assert share.start_payload("Ab3dEf7h") == "c-Ab3dEf7h"
    assert share.code_of_payload("c-Ab3dEf7h") == "Ab3dEf7h"
    assert share.code_of_payload("x-T-001") is None and share.code_of_payload("c-") is None
    payload = share.start_payload("a" * 32)
    assert len(payload) <= 64 and re.fullmatch(r"[A-Za-z0-9_-]+", payload)


# --- opening a link -------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_centre_link_opens_the_centre_with_the_telegram_deep_link(client: httpx.AsyncClient,
                                                                          services: Services) -> None:
    link = share.create_link(services.engine, "centre", "T-001", "worker", title="推荐：测试托育园")
    for _ in range(3):
        response = await client.get(f"/s/{link.code}")
    assert response.status_code == 200
    html = response.text
    assert "测试托育园" in html and "备案编号" in html  # the centre page itself
    assert f'href="https://t.me/carecircle_bot?start=c-{link.code}"' in html
    assert '<meta property="og:title" content="推荐：测试托育园">' in html
    assert f'<meta property="og:url" content="https://tuoyu.example.cn/s/{link.code}">' in html
    stored = share.get_link(services.engine, link.code)
    assert stored is not None and (stored.opened, stored.bot_started) == (3, 0)


@pytest.mark.asyncio
async def test_a_community_link_opens_the_finder_at_its_place(client: httpx.AsyncClient, services: Services) -> None:
    by_point = share.create_link(services.engine, "community", "39.6,109.76", "worker", title="天骄社区")
    html = (await client.get(f"/s/{by_point.code}")).text
    assert re.findall(r'<h3><a href="/centres/([^"]+)"', html) == ["T-001", "T-002"]
    assert f"?start=c-{by_point.code}" in html
    assert "“天骄社区”附近" not in html  # the title is not the place: the point is
    assert "按您提供的位置（纬度 39.6000，经度 109.7600）查找" in html
    by_name = share.create_link(services.engine, "community", "天骄社区", "worker")
    assert "“天骄社区”附近" in (await client.get(f"/s/{by_name.code}")).text
    by_county = share.create_link(services.engine, "community", "150627", "worker")
    assert "“伊金霍洛旗”附近" in (await client.get(f"/s/{by_county.code}")).text
    campaign_title = share.create_link(services.engine, "community", "阿勒腾席热镇", "worker", title="天骄社区托育宣传")
    page = (await client.get(f"/s/{campaign_title.code}")).text
    assert "“阿勒腾席热镇”附近" in page and "按“阿勒腾席热镇”的位置查找" in page
    assert "“天骄社区托育宣传”附近" not in page and "天骄社区托育宣传" in page  # the title stays in the banner
    nowhere = share.create_link(services.engine, "community", "查无此地的名字", "worker")
    assert (await client.get(f"/s/{nowhere.code}")).status_code == 404


@pytest.mark.asyncio
async def test_a_campaign_link_offers_its_page(client: httpx.AsyncClient, services: Services) -> None:
    link = share.create_link(services.engine, "campaign", "/leave", "worker", title="算一算您的产假")
    html = (await client.get(f"/s/{link.code}")).text
    assert "算一算您的产假" in html and 'href="/leave"' in html and f"?start=c-{link.code}" in html


@pytest.mark.asyncio
async def test_unknown_codes_are_404_and_count_nothing(client: httpx.AsyncClient) -> None:
    response = await client.get("/s/nothing1")
    assert response.status_code == 404 and "链接不存在" in response.text
    assert (await client.get("/s/nothing1/qr.png")).status_code == 404


@pytest.mark.asyncio
async def test_no_telegram_link_without_a_bot_username(sqlite_store: Engine) -> None:
    services = services_with(sqlite_store)
    link = share.create_link(services.engine, "centre", "T-001", "worker")
    transport = httpx.ASGITransport(app=make_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        html = (await c.get(f"/s/{link.code}")).text
    assert "t.me/" not in html
    assert f'content="http://test/s/{link.code}"' in html  # no public URL: the request's own


# --- QR codes and the poster ----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_qr_codes_are_poster_sized_png_and_svg(client: httpx.AsyncClient, services: Services) -> None:
    link = share.create_link(services.engine, "centre", "T-001", "worker")
    png = await client.get(f"/s/{link.code}/qr.png")
    assert png.headers["content-type"] == "image/png"
    width, height = png_size(png.content)
    assert width == height and 1000 <= width <= 1400
    small = await client.get(f"/s/{link.code}/qr.png", params={"scale": 4})
    assert png_size(small.content)[0] < width
    svg = await client.get(f"/s/{link.code}/qr.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(svg.content)
    assert root.tag.endswith("svg")
    assert f"https://tuoyu.example.cn/s/{link.code}" in svg.text  # the title names what it encodes
    assert (await client.get(f"/s/{link.code}/qr.png", params={"scale": 0})).status_code == 422
    assert share.get_link(services.engine, link.code).opened == 0  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_centre_qr_and_poster(client: httpx.AsyncClient, services: Services) -> None:
    centre_qr = await client.get("/centres/T-001/qr.svg")
    assert centre_qr.status_code == 200 and "https://tuoyu.example.cn/centres/T-001" in centre_qr.text
    assert (await client.get("/centres/NOPE/qr.png")).status_code == 404
    assert (await client.get("/centres/T-001/qr.gif")).status_code == 404
    link = share.create_link(services.engine, "community", "天骄社区", "worker", title="天骄社区托育服务")
    poster = await client.get(f"/s/{link.code}/poster")
    assert poster.status_code == 200
    assert f'src="/s/{link.code}/qr.svg"' in poster.text and "天骄社区托育服务" in poster.text


@pytest.mark.asyncio
async def test_a_poster_for_a_sample_centre_carries_the_sample_mark(client: httpx.AsyncClient,
                                                                    services: Services) -> None:
    from dataclasses import replace

    sample = replace(read_registry_file(GOOD).accepted[0], id="S-001", name="示例托育园", is_sample=True)
    services.registry.save([sample])
    sample_link = share.create_link(services.engine, "centre", "S-001", "worker")
    poster = (await client.get(f"/s/{sample_link.code}/poster")).text
    assert "poster-sample" in poster and "<strong>示例</strong>" in poster
    real = share.create_link(services.engine, "centre", "T-001", "worker")
    assert "poster-sample" not in (await client.get(f"/s/{real.code}/poster")).text


@pytest.mark.asyncio
async def test_without_a_public_url_posters_and_the_admin_page_warn_before_printing(sqlite_store: Engine) -> None:
    bare = services_with(sqlite_store)  # no CARECIRCLE_PUBLIC_URL
    link = share.create_link(bare.engine, "community", "天骄社区", "worker")
    transport = httpx.ASGITransport(app=make_app(bare))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as c:
        admin = (await c.get("/admin/links")).text
        assert 'id="no-public-url"' in admin and "CARECIRCLE_PUBLIC_URL" in admin and "http://127.0.0.1:8000" in admin
        poster = (await c.get(f"/s/{link.code}/poster")).text
        assert "poster-warning no-print" in poster and "CARECIRCLE_PUBLIC_URL" in poster
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=make_app(bare)),
                                 base_url="http://test") as c:
        worker = await _token(bare, "community_worker")
        listed = (await c.get("/api/admin/share-links", headers=worker)).json()["links"]
        assert [x["public_url_set"] for x in listed] == [False]


@pytest.mark.asyncio
async def test_with_a_public_url_there_is_no_warning(client: httpx.AsyncClient, services: Services) -> None:
    link = share.create_link(services.engine, "community", "天骄社区", "worker")
    assert 'id="no-public-url"' not in (await client.get("/admin/links")).text
    assert "poster-warning" not in (await client.get(f"/s/{link.code}/poster")).text


async def _token(services: Services, role: str) -> dict[str, str]:
    from api.auth import create_token

    return {"Authorization": f"Bearer {create_token(services.engine, 'w-' + role, role)}"}
