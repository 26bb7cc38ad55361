"""The parents' pages over ASGI: status, template and the decisions they show (which centres, which figures)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy import Engine

from api import web
from api.app import create_app
from api.routes import pages, share
from api.services import Services, build_services
from api.settings import Settings
from content.guidance import Library, load_library
from geodata.crs import from_wgs84
from geodata.importer import read_registry_file

GOOD = Path(__file__).parents[1] / "data" / "registry_good.csv"
ORIGIN = {"lat": "39.6", "lon": "109.76"}
SVG = "{http://www.w3.org/2000/svg}"


def make_app(services: Services, settings: Settings) -> FastAPI:
    """create_app, with the share router and web.install applied if the lead's wiring has not yet."""
    app = create_app(settings, services)
    if not any(getattr(route, "path", "") == "/s/{code}" for route in app.routes):
        app.include_router(share.router)
    web.install(app, settings)
    return app


@pytest.fixture
def services(sqlite_store: Engine) -> Services:
    settings = Settings(database_url="sqlite://", telegram_bot_username="carecircle_bot")
    services = build_services(settings, engine=sqlite_store)
    services.registry.save(read_registry_file(GOOD).accepted)
    return services


@pytest_asyncio.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(services, services.settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers={"accept": "text/html"}) as c:
        yield c


def centre_ids(html: str) -> list[str]:
    """The centres listed as cards, in order."""
    return re.findall(r'<h3><a href="/centres/([^"]+)"', html)


def map_of(html: str) -> ET.Element:
    svg = re.search(r"<svg .*?</svg>", html, re.S)
    assert svg, "no map on the page"
    return ET.fromstring(svg.group(0))


# --- finder ---------------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_home_is_the_finder_in_chinese_with_security_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in response.text
    assert "使用我的位置" in response.text and 'name="place"' in response.text
    assert "示例数据" not in response.text
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in response.text  # scripts only from /static (the CSP forbids inline ones)


@pytest.mark.asyncio
async def test_finder_lists_inclusive_centres_in_the_circle_nearest_first(client: httpx.AsyncClient) -> None:
    response = await client.get("/", params=ORIGIN)
    assert response.status_code == 200
    assert centre_ids(response.text) == ["T-001", "T-002"]  # T-003 is not inclusive, T-004 is suspended
    assert "约2分钟步行（估算）" in response.text  # T-001: about 140 m × 1.25 ÷ 75 m/min = 2.3 minutes
    assert "空余托位 6 个" in response.text and "暂无空余托位" in response.text
    assert 'href="tel:0477-0000001"' in response.text


@pytest.mark.asyncio
async def test_finder_without_the_inclusive_filter_and_with_age_and_mode(client: httpx.AsyncClient) -> None:
    everything = await client.get("/", params={**ORIGIN, "inclusive": "0"})
    assert centre_ids(everything.text) == ["T-001", "T-002", "T-003"]
    babies = await client.get("/", params={**ORIGIN, "inclusive": "0", "age_months": "3"})
    assert centre_ids(babies.text) == ["T-003"]
    hourly = await client.get("/", params={**ORIGIN, "inclusive": ["0", "1"], "mode": "hourly"})
    assert centre_ids(hourly.text) == ["T-002"]


@pytest.mark.asyncio
async def test_the_map_draws_the_circle_the_parent_and_one_pin_per_centre(client: httpx.AsyncClient) -> None:
    svg = map_of((await client.get("/", params=ORIGIN)).text)
    assert svg.find(f"{SVG}path[@class='walk-circle']") is not None
    assert svg.find(f"{SVG}g[@class='you']") is not None
    pins = svg.findall(f"{SVG}a[@class='pin']")
    assert [p.get("href") for p in pins] == ["/centres/T-002", "/centres/T-001"]  # farthest drawn first


@pytest.mark.asyncio
async def test_navigation_links_use_each_map_s_coordinate_system(client: httpx.AsyncClient) -> None:
    html = (await client.get("/centres/T-001")).text
    g_lat, g_lon = from_wgs84(39.601, 109.761, "gcj02")
    b_lat, b_lon = from_wgs84(39.601, 109.761, "bd09")
    assert f"uri.amap.com/marker?position={g_lon:.6f},{g_lat:.6f}" in html
    assert f"location={b_lat:.6f},{b_lon:.6f}" in html and "coord_type=bd09ll" in html
    assert f"maps.apple.com/?ll={g_lat:.6f},{g_lon:.6f}" in html  # Apple uses GCJ-02 inside China
    assert "高德地图" in html and "百度地图" in html  # buttons, named by the app
    assert "GCJ-02" not in html and "BD-09" not in html and "导航坐标" not in html  # no datum names for parents


@pytest.mark.asyncio
async def test_a_typed_place_is_shown_for_confirmation(client: httpx.AsyncClient) -> None:
    response = await client.get("/", params={"place": "天骄社区"})
    assert response.status_code == 200
    assert "按“天骄社区”的位置查找" in response.text
    assert centre_ids(response.text)  # the sample area's 天骄社区 lies next to the test centres


@pytest.mark.asyncio
async def test_an_unknown_place_or_bad_point_is_explained_on_the_page(client: httpx.AsyncClient) -> None:
    unknown = await client.get("/", params={"place": "火星基地一号"})
    assert unknown.status_code == 422 and "没有找到“火星基地一号”" in unknown.text
    bad = await client.get("/", params={"lat": "95", "lon": "109"})
    assert bad.status_code == 422 and "纬度应在 -90 到 90 之间" in bad.text
    assert bad.headers["content-type"].startswith("text/html")


@pytest.mark.asyncio
async def test_an_empty_circle_offers_the_nearest_further_away(client: httpx.AsyncClient) -> None:
    response = await client.get("/", params={"lat": "39.62", "lon": "109.76"})  # about 2 km north
    assert "步行15分钟内没有符合条件的机构" in response.text
    assert centre_ids(response.text) == ["T-002", "T-001"]
    assert "查看全部机构（含非普惠）" in response.text


@pytest.mark.asyncio
async def test_user_text_is_escaped(client: httpx.AsyncClient) -> None:
    response = await client.get("/", params={"place": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


# --- centre and check -----------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_centre_page_shows_every_detail_share_and_qr(client: httpx.AsyncClient) -> None:
    response = await client.get("/centres/T-001")
    assert response.status_code == 200
    html = response.text
    for expected in ("测试托育园", "已备案，正常运营", "T-001", "2023-05-10", "07:30-18:00", "1200–1800",
                     "全日托", "半日托", "6–36", '<img class="qr" src="/centres/T-001/qr.png"', "http://test/centres/T-001",
                     "https://t.me/carecircle_bot"):
        assert expected in html, expected
    assert '<meta property="og:title" content="测试托育园">' in html


@pytest.mark.asyncio
async def test_a_suspended_centre_is_flagged_and_an_unknown_one_is_404(client: httpx.AsyncClient) -> None:
    suspended = (await client.get("/centres/T-004")).text
    assert "已备案，暂停服务" in suspended and "12345" in suspended
    missing = await client.get("/centres/NOPE")
    assert missing.status_code == 404 and "没有备案编号为“NOPE”的机构" in missing.text


@pytest.mark.asyncio
async def test_check_a_centre_by_name(client: httpx.AsyncClient) -> None:
    found = await client.get("/check", params={"q": "萌宝驿站"})
    assert found.status_code == 200 and centre_ids(found.text)[0] == "T-002"
    none = await client.get("/check", params={"q": "完全不存在的机构名称"})
    assert centre_ids(none.text) == [] and "没有找到" in none.text and "未备案的机构不得开展托育服务" in none.text


@pytest.mark.asyncio
async def test_sample_centres_are_labelled_on_every_page_that_shows_them(services: Services) -> None:
    sample = replace(read_registry_file(GOOD).accepted[0], id="S-001", name="示例托育园", is_sample=True)
    services.registry.save([sample])
    transport = httpx.ASGITransport(app=make_app(services, services.settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        for path, params in (("/", ORIGIN), ("/centres/S-001", {}), ("/check", {"q": "示例托育园"})):
            html = (await c.get(path, params=params)).text
            assert "示例数据" in html and '<span class="badge sample">示例</span>' in html, path
        assert "示例数据" not in (await c.get("/centres/T-001")).text


# --- language -------------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_english_switch_is_remembered(client: httpx.AsyncClient) -> None:
    english = await client.get("/", params={"lang": "en"})
    assert '<html lang="en">' in english.text and "Use my location" in english.text
    assert english.cookies.get("lang") == "en"
    assert "Inclusive centres only" in (await client.get("/")).text  # the cookie keeps English
    assert "使用我的位置" in (await client.get("/", params={"lang": "zh"})).text


# --- leave ----------------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_leave_form_and_result_with_sources(client: httpx.AsyncClient) -> None:
    form = await client.get("/leave")
    assert form.status_code == 200 and 'name="birth_date"' in form.text and "内蒙古自治区" in form.text
    result = await client.get("/leave", params={"region": "150000", "birth_date": "2025-03-01"})
    assert result.status_code == 200
    days = re.findall(r'<p class="days">([^<]+)</p>', result.text)
    assert [" ".join(d.split()) for d in days] == ["158 天", "25 天", "每年 10 天", "每天 1 小时哺乳时间"]
    assert "《女职工劳动保护特别规定》第七条第一款" in result.text
    assert "【未核实】" in result.text  # the parental leave figure is not verified


@pytest.mark.asyncio
async def test_leave_bad_input_names_the_field(client: httpx.AsyncClient) -> None:
    unknown = await client.get("/leave", params={"region": "火星", "birth_date": "2025-03-01"})
    assert unknown.status_code == 422 and "未知地区“火星”" in unknown.text
    bad_date = await client.get("/leave", params={"region": "150000", "birth_date": "2025-02-30"})
    assert bad_date.status_code == 422 and "日期“2025-02-30”不存在" in bad_date.text
    missing = await client.get("/leave", params={"region": "150000"})
    assert missing.status_code == 422 and "请填写出生日期或预产期" in missing.text


# --- guidance -------------------------------------------------------------------------------------------


def article_slugs(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/guidance/([a-z0-9-]+)">', html)


@pytest.mark.asyncio
async def test_guidance_index_by_age(client: httpx.AsyncClient) -> None:
    library = load_library()
    everything = await client.get("/guidance")
    assert everything.status_code == 200
    assert article_slugs(everything.text) == [a.slug for a in library.select(locale="zh")]
    six = await client.get("/guidance", params={"age_months": "6"})
    assert article_slugs(six.text) == [a.slug for a in library.select(age_months=6, locale="zh")]
    assert (await client.get("/guidance", params={"age_months": "40"})).status_code == 422


@pytest.mark.asyncio
async def test_guidance_search_and_article(client: httpx.AsyncClient) -> None:
    found = article_slugs((await client.get("/guidance", params={"q": "疫苗"})).text)
    expected = [a.slug for a in load_library().search("疫苗", limit=20) if a.locale == "zh"]
    assert found == expected and "vaccines-2-months" in found
    article = await client.get("/guidance/safe-sleep")
    assert article.status_code == 200
    assert "来源" in article.text and "编写日期" in article.text  # facts carry their sources
    assert "待专家审核" in article.text  # no named reviewer has signed it off
    english = await client.get("/guidance/safe-sleep", params={"lang": "en"})
    assert "Sources" in english.text and "awaiting expert review" in english.text
    rashes = await client.get("/guidance/rashes", params={"lang": "en"})
    assert "Rashes in babies and toddlers" in rashes.text and "in Chinese only" not in rashes.text
    assert (await client.get("/guidance/no-such-article")).status_code == 404


@pytest.mark.asyncio
async def test_an_article_not_yet_translated_says_so_and_links_the_chinese(sqlite_store: Engine) -> None:
    services = build_services(Settings(database_url="sqlite://"), engine=sqlite_store)
    untranslated = [a.model_copy(update={"translations": []}) if a.slug == "rashes" else a
                    for a in load_library().articles if (a.slug, a.locale) != ("rashes", "en")]
    services.__dict__["library"] = Library.of(untranslated)
    transport = httpx.ASGITransport(app=create_app(Settings(database_url="sqlite://"), services))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        page = await client.get("/guidance/rashes", params={"lang": "en"})
    assert "in Chinese only" in page.text and 'href="/guidance/rashes?lang=zh"' in page.text


# --- chat -----------------------------------------------------------------------------------------------


def carried(html: str) -> list[dict[str, str]]:
    value = re.search(r'<form id="chat-form".*?name="history" value="([^"]*)"', html, re.S)
    assert value
    return list(json.loads(value.group(1).replace("&#34;", '"').replace("&amp;", "&").replace("&lt;", "<")
                           .replace("&gt;", ">").replace("&#39;", "'")))


@pytest.mark.asyncio
async def test_chat_uses_the_bot_s_engine(client: httpx.AsyncClient) -> None:
    welcome = await client.get("/chat")
    assert welcome.status_code == 200 and "找附近托育" in welcome.text  # the engine's menu buttons
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,43}", welcome.cookies["chat"])
    asked = await client.post("/chat", data={"text": "附近有普惠托育吗", "history": "[]"})
    assert asked.status_code == 200
    assert 'id="chat-locate"' in asked.text  # the engine asks for a location: the page offers the button
    located = await client.post("/chat", data={**ORIGIN, "history": json.dumps(carried(asked.text))})
    assert "测试托育园" in located.text and "萌宝驿站·天骄社区点" in located.text
    assert [line["who"] for line in carried(located.text)] == ["me", "bot", "me", "bot"]
    detail = await client.post("/chat", data={"button": "centre:T-001|1. 测试托育园", "history": "[]"})
    assert '<li class="bubble me" translate="no">1. 测试托育园</li>' in detail.text and "0477-0000001" in detail.text


@pytest.mark.asyncio
async def test_chat_history_from_the_page_is_bounded_and_escaped(client: httpx.AsyncClient) -> None:
    history = [{"who": "me", "text": f"<b>{i}</b>" * 100} for i in range(30)]  # 900 characters each
    response = await client.post("/chat", data={"text": "你好", "history": json.dumps(history)})
    assert response.status_code == 200
    assert len(carried(response.text)) == pages.HISTORY_ITEMS
    assert "<b>29</b>" not in response.text and "&lt;b&gt;29&lt;/b&gt;" in response.text
    assert (await client.post("/chat", data={"text": "你好", "history": "not json"})).status_code == 200


# --- privacy, errors, limits ----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_privacy_notice(client: httpx.AsyncClient) -> None:
    response = await client.get("/privacy")
    assert response.status_code == 200 and "个人信息保护法" in response.text and "/forget" in response.text


@pytest.mark.asyncio
async def test_unknown_pages_are_html_for_browsers_and_json_for_the_api(client: httpx.AsyncClient) -> None:
    page = await client.get("/no-such-page")
    assert page.status_code == 404 and "页面不存在" in page.text
    api = await client.get("/api/no-such-endpoint", headers={"accept": "application/json"})
    assert api.status_code == 404 and api.json()


@pytest.mark.asyncio
async def test_request_bodies_over_the_limit_get_413(client: httpx.AsyncClient) -> None:
    response = await client.post("/chat", data={"text": "x" * (web.DEFAULT_MAX_BODY_BYTES + 10)})
    assert response.status_code == 413


@pytest.mark.asyncio
async def test_rate_limit_answers_429_json_for_the_api_and_html_for_pages(
        services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web, "rate_clock", lambda: 1000.0)  # exact counts, however slow the machine
    limited_settings = services.settings.model_copy(update={"rate_limit_per_minute": 20})  # bursts of 10
    app = create_app(limited_settings, services)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        codes = [(await c.get("/api/centres/nearest", params=ORIGIN)).status_code for _ in range(12)]
        assert codes == [200] * 10 + [429] * 2
        limited = await c.get("/api/centres/T-001")
        assert limited.status_code == 429 and "请求太频繁" in limited.json()["error"]["message"]
        assert int(limited.headers["retry-after"]) >= 1
        page = await c.get("/", headers={"accept": "text/html"})
        assert page.status_code == 429 and page.headers["content-type"].startswith("text/html")
        assert (await c.get("/healthz")).status_code == 200  # exempt


def test_token_bucket_refills_with_time() -> None:
    now = [0.0]
    limiter = web.RateLimit(lambda *_: None, per_minute=60, burst=2, clock=lambda: now[0])  # type: ignore[arg-type]
    assert [limiter.allow("a"), limiter.allow("a"), limiter.allow("a")] == [True, True, False]
    assert limiter.allow("b")  # per client
    now[0] = 1.0  # one token a second
    assert [limiter.allow("a"), limiter.allow("a")] == [True, False]


@pytest.mark.asyncio
async def test_rate_limit_can_be_switched_off(services: Services) -> None:
    app = create_app(services.settings.model_copy(update={"rate_limit_per_minute": 0}), services)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        codes = {(await c.get("/api/centres/nearest", params=ORIGIN)).status_code for _ in range(40)}
    assert codes == {200}


def test_bot_html_is_filtered_to_the_telegram_subset() -> None:
    html = ('<b>1. 园</b> <a href="https://uri.amap.com/marker?a=1&amp;b=2">高德地图</a> '
            '<a href="javascript:alert(1)">x</a><script>alert(1)</script><img src=x onerror=alert(1)><i>open')
    safe = str(web.reply_html("plain", html))
    assert safe == ('<b>1. 园</b> <a href="https://uri.amap.com/marker?a=1&amp;b=2" rel="noopener">高德地图</a> '
                    'xalert(1)<i>open</i>')
    assert str(web.reply_html("<b>plain</b>", None)) == "&lt;b&gt;plain&lt;/b&gt;"


# --- issue 15: one rule, named search points, plain words ---------------------------------------------------


@pytest.mark.asyncio
async def test_farther_away_results_stop_at_20_km(client: httpx.AsyncClient) -> None:
    from geodata.policy import FAR_M

    assert FAR_M == 20_000
    near = await client.get("/", params={"lat": "39.65", "lon": "109.76"})  # about 5 km north of the centres
    assert centre_ids(near.text) == ["T-002", "T-001"] and "稍远一些的机构（20 公里以内）" in near.text
    far = await client.get("/", params={"lat": "39.8", "lon": "109.76"})  # about 22 km north: none within 20 km
    assert far.status_code == 200 and centre_ids(far.text) == []
    assert "20 公里以内也没有符合条件的已备案机构" in far.text
    assert len(map_of(far.text).findall(f"{SVG}a[@class='pin']")) == 0  # the map keeps its scale


def test_nearest_beyond_applies_the_20_km_cap(services: Services) -> None:
    from geodata.index import Filters

    within = pages.nearest_beyond(services.registry, 39.65, 109.76, Filters(inclusive=True))
    assert [m.centre.id for m in within] == ["T-002", "T-001"] and all(m.distance_m <= 20_000 for m in within)
    assert pages.nearest_beyond(services.registry, 39.8, 109.76, Filters(inclusive=True)) == []
    assert pages.nearest_beyond(services.registry, 40.5, 109.76, Filters()) == []  # 91 km off, another banner


@pytest.mark.asyncio
async def test_every_answer_names_the_point_it_searched_from(client: httpx.AsyncClient) -> None:
    by_point = await client.get("/", params=ORIGIN)
    assert "按您提供的位置（纬度 39.6000，经度 109.7600）查找" in by_point.text
    by_place = await client.get("/", params={"place": "天骄社区"})
    assert "按“天骄社区”的位置查找" in by_place.text
    english = await client.get("/", params={**ORIGIN, "lang": "en"})
    assert "Searched from the point you gave (latitude 39.6000, longitude 109.7600)" in english.text


@pytest.mark.asyncio
async def test_cards_use_plain_words(client: httpx.AsyncClient, services: Services) -> None:
    same = replace(read_registry_file(GOOD).accepted[0], id="T-009", name="同价托育园", fee_min=2200, fee_max=2200)
    services.registry.save([same])
    page = (await client.get("/centres/T-009")).text
    assert "每月 2200 元" in page and "2200–2200" not in page
    listed = (await client.get("/", params=ORIGIN)).text
    assert "直线距离 " in listed and "直线 " not in listed.replace("直线距离", "")
    assert "每月 1200–1800 元" in listed  # T-001's fees on its card


@pytest.mark.asyncio
async def test_the_pre_birth_article_has_no_0_0_months(client: httpx.AsyncClient) -> None:
    page = (await client.get("/guidance/prepare-for-baby")).text
    assert "0–0" not in page and "孕期（出生前）" in page
    index = (await client.get("/guidance", params={"age_months": "0"})).text
    assert "0–0 个月" not in index


@pytest.mark.asyncio
async def test_articles_await_expert_review_until_signed_off(client: httpx.AsyncClient, services: Services) -> None:
    from datetime import date

    from api.reviews import record_review

    assert "待专家审核" in (await client.get("/guidance/fever")).text
    record_review(services.engine, load_library().get("fever"), "王医生（儿科主任医师）", date(2026, 12, 1))
    signed = (await client.get("/guidance/fever")).text
    assert "审核：王医生（儿科主任医师），2026-12-01" in signed and "本文待专家审核" not in signed
    assert "已由王医生（儿科主任医师）审核" in (await client.get("/guidance", params={"q": "发烧"})).text
    assert "待专家审核" in (await client.get("/guidance/fever", params={"lang": "en"})).text or \
        "awaiting expert review" in (await client.get("/guidance/fever", params={"lang": "en"})).text
