"""Proxies, shared addresses and cookies: the rate limits key on more than the address, the address is the
forwarded client's behind a trusted proxy, and cookies are Secure on an https site."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import Engine

from api import web
from api.app import create_app
from api.cli.service import uvicorn_options
from api.services import Services, build_services
from api.settings import Settings
from geodata.importer import read_registry_file
from tests.conftest import Cli
from tests.fakes.server import served_in_thread

GOOD = Path(__file__).parents[1] / "data" / "registry_good.csv"
NEAR = {"lat": "39.6", "lon": "109.76"}


@pytest.fixture(autouse=True)
def frozen_rate_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """No token comes back while a test runs, however slow the machine: the counts are exact."""
    monkeypatch.setattr(web, "rate_clock", lambda: 1000.0)


@pytest.fixture
def services(sqlite_store: Engine) -> Services:
    wired = build_services(Settings(database_url="sqlite://"), engine=sqlite_store)
    wired.registry.save(read_registry_file(GOOD).accepted)
    return wired


def app_with(services: Services, **changes: Any) -> Any:
    services.settings = services.settings.model_copy(update=changes)
    return create_app(services.settings, services)


@pytest_asyncio.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    """The default limits: 120 a minute per client, 2,400 a minute per address."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app_with(services)), base_url="http://test") as c:
        yield c


# -- keys beyond the address --------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_two_hundred_families_behind_one_address_are_not_throttled(client: httpx.AsyncClient) -> None:
    codes = [(await client.post("/api/chat", json={"session": f"family-{n}", "text": "你好"})).status_code
             for n in range(200)]
    assert codes == [200] * 200


@pytest.mark.asyncio
async def test_one_chat_session_is_limited_on_its_own_with_retry_after(client: httpx.AsyncClient) -> None:
    codes = [(await client.post("/api/chat", json={"session": "busy", "text": "你好"})).status_code for _ in range(61)]
    assert codes == [200] * 60 + [429]  # a burst of half a minute's budget
    refused = await client.post("/api/chat", json={"session": "busy", "text": "你好"})
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
    assert refused.json()["error"] == {"code": "rate_limited", "field": None, "message": "请求太频繁，请稍后再试"}
    other = await client.post("/api/chat", json={"session": "neighbour", "text": "你好"})
    assert other.status_code == 200  # the same address, another family


@pytest.mark.asyncio
async def test_without_a_session_the_browser_counts_with_the_address(client: httpx.AsyncClient) -> None:
    phone = {"user-agent": "Mozilla/5.0 (iPhone) MicroMessenger/8.0"}
    codes = [(await client.get("/api/centres/nearest", params=NEAR, headers=phone)).status_code for _ in range(61)]
    assert codes == [200] * 60 + [429]
    other_phone = {"user-agent": "Mozilla/5.0 (Linux; Android 14) MicroMessenger/8.0"}
    assert (await client.get("/api/centres/nearest", params=NEAR, headers=other_phone)).status_code == 200


@pytest.mark.asyncio
async def test_the_web_chat_cookie_keys_the_limit(services: Services) -> None:
    app = app_with(services, rate_limit_per_minute=20)  # bursts of 10
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        first = await c.get("/chat", headers={"accept": "text/html"})
        assert first.status_code == 200 and "chat" in first.cookies
        codes = [(await c.get("/chat", headers={"accept": "text/html"})).status_code for _ in range(11)]
        assert codes == [200] * 10 + [429]  # the cookie's own bucket: the first request had none
        c.cookies.clear()
        assert (await c.get("/chat", headers={"accept": "text/html"})).status_code == 200  # a new visitor


@pytest.mark.asyncio
async def test_the_address_limit_catches_a_client_that_makes_up_sessions(services: Services) -> None:
    app = app_with(services, rate_limit_per_address_per_minute=20)  # bursts of 10 for the whole address
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        codes = [(await c.post("/api/chat", json={"session": f"fake-{n}", "text": "你好"})).status_code
                 for n in range(11)]
        assert codes == [200] * 10 + [429]


def test_retry_after_says_when_the_next_token_comes() -> None:
    now = [0.0]
    limiter = web.RateLimit(lambda *_: None, per_minute=6, burst=1, clock=lambda: now[0])  # type: ignore[arg-type]
    assert limiter.clients.take("a") == 0
    assert limiter.clients.take("a") == pytest.approx(10.0)  # one token every 10 s
    now[0] = 4.0
    assert limiter.clients.take("a") == pytest.approx(6.0)


# -- behind a proxy ------------------------------------------------------------------------------------------------


def forwarded_codes(base: str, forwarded_for: str, count: int) -> list[int]:
    headers = {"x-forwarded-for": forwarded_for, "user-agent": f"phone {forwarded_for}"}
    with httpx.Client(base_url=base, timeout=10) as http:
        return [http.get("/api/centres/nearest", params=NEAR, headers=headers).status_code for _ in range(count)]


def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_limit(services: Services) -> None:
    settings = services.settings.model_copy(update={"rate_limit_per_address_per_minute": 20,
                                                    "forwarded_allow_ips": "127.0.0.1"})
    with served_in_thread(create_app(settings, services), lifespan="off", **uvicorn_options(settings)) as base:
        assert forwarded_codes(base, "203.0.113.5", 11) == [200] * 10 + [429]
        assert forwarded_codes(base, "203.0.113.6", 1) == [200]  # another family's address


def test_an_untrusted_proxy_is_not_believed(services: Services) -> None:
    settings = services.settings.model_copy(update={"rate_limit_per_address_per_minute": 20,
                                                    "forwarded_allow_ips": "10.9.9.9"})
    with served_in_thread(create_app(settings, services), lifespan="off", **uvicorn_options(settings)) as base:
        assert forwarded_codes(base, "203.0.113.5", 10) == [200] * 10
        assert forwarded_codes(base, "203.0.113.6", 1) == [429]  # all of it came from 127.0.0.1


def test_https_through_a_trusted_proxy_makes_cookies_secure(services: Services) -> None:
    with served_in_thread(app_with(services), lifespan="off", **uvicorn_options(services.settings)) as base:
        answer = httpx.get(f"{base}/?lang=en", headers={"x-forwarded-proto": "https", "accept": "text/html"})
        plain = httpx.get(f"{base}/?lang=en", headers={"accept": "text/html"})
    assert "secure" in answer.headers["set-cookie"].lower()
    assert "secure" not in plain.headers["set-cookie"].lower()


@pytest.mark.parametrize(("args", "expected"), [
    ([], {"proxy_headers": True, "forwarded_allow_ips": "127.0.0.1"}),
    (["--no-proxy-headers"], {"proxy_headers": False, "forwarded_allow_ips": "127.0.0.1"}),
    (["--proxy-headers", "--forwarded-allow-ips", "10.0.0.0/8,192.168.1.2"],
     {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.0/8,192.168.1.2"}),
])
def test_serve_passes_the_proxy_options_to_uvicorn(cli: Cli, monkeypatch: pytest.MonkeyPatch, args: list[str],
                                                   expected: dict[str, Any]) -> None:
    seen: dict[str, Any] = {}
    prepared: list[Services] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: seen.update(options))
    monkeypatch.setattr("api.runtime.prepare_to_serve", prepared.append)  # it tunes the whole process
    result = cli("serve", "--port", "8123", *args)
    assert result.exit_code == 0, result.output
    assert {key: seen[key] for key in expected} == expected
    assert seen["access_log"] is False and seen["port"] == 8123
    assert len(prepared) == 1  # warmed and tuned before serving


def test_the_proxy_settings_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARECIRCLE_PROXY_HEADERS", "false")
    monkeypatch.setenv("CARECIRCLE_FORWARDED_ALLOW_IPS", "*")
    seen: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **options: seen.update(options))
    monkeypatch.setattr("api.runtime.prepare_to_serve", lambda services: None)
    assert Cli(f"sqlite:///{tmp_path / 'env.db'}")("serve").exit_code == 0
    assert (seen["proxy_headers"], seen["forwarded_allow_ips"]) == (False, "*")


# -- cookies -------------------------------------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(("public_url", "secure"), [
    ("https://tuoyu.example.cn", True), ("http://localhost:8000", False), (None, False)])
async def test_cookies_are_secure_when_the_public_url_is_https(services: Services, public_url: str | None,
                                                               secure: bool) -> None:
    app = app_with(services, public_url=public_url)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        for answer in (await c.get("/?lang=en", headers={"accept": "text/html"}),
                       await c.get("/chat", headers={"accept": "text/html"})):
            cookie = answer.headers["set-cookie"].lower()
            assert ("; secure" in cookie) is secure
            assert "httponly" in cookie and "samesite=lax" in cookie
