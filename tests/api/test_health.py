"""Liveness, readiness and store outages: /healthz, /readyz, 503 with Retry-After, and a start that waits."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import typer
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from api.app import create_app
from api.cli.common import wire
from api.health import Readiness
from api.services import Services, build_services
from api.settings import Settings
from geodata.importer import read_registry_file
from geodata.registry import Registry
from geodata.store import upsert_centres
from tests.conftest import PG_ADMIN_URL, skip_or_fail
from tests.fakes.tcp_proxy import TcpProxy, tcp_proxy

GOOD = Path(__file__).parents[1] / "data" / "registry_good.csv"
# A guard against a hang, not a timing assertion: the test waits for /readyz to change. By design it follows an
# outage within PROBE_TIMEOUT_S (2 s) and a recovery at the next probe; the seconds it took are printed (pytest -s).
OUTAGE_DEADLINE_S = 60.0


def client_for(services: Services) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(services.settings, services))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.fixture
def services(sqlite_store: Engine) -> Services:
    wired = build_services(Settings(database_url="sqlite://"), engine=sqlite_store)
    wired.registry.save(read_registry_file(GOOD).accepted)
    wired.registry.snapshot()  # built before the first request, as the app's lifespan does
    return wired


@pytest_asyncio.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(services) as c:
        yield c


# -- readiness on a healthy store -------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_readyz_checks_the_store_and_the_index_version(client: httpx.AsyncClient, services: Services) -> None:
    answer = await client.get("/readyz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ready"
    assert body["checks"]["store"] == {"ok": True}
    index = body["checks"]["index"]
    assert index["ok"] and index["version"] == index["store_version"] >= 1
    assert index["centres"] == len(services.registry.all())
    assert set(body["checks"]) == {"store", "index"}  # no channel is configured


@pytest.mark.asyncio
async def test_an_index_still_loading_is_not_ready_and_says_the_store_answered(
        services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = threading.Event()
    build = services.registry.snapshot
    monkeypatch.setattr(services.registry, "snapshot", lambda: loaded.wait(60) and build())
    app = create_app(services.settings, services)
    app.state.readiness.timeout = 0.2
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        waiting = await client.get("/readyz")
        assert waiting.status_code == 503 and waiting.headers["retry-after"] == "5"
        assert waiting.json()["checks"]["store"] == {"ok": True}
        assert waiting.json()["reason"].startswith("index: still loading")
        loaded.set()
        await poll_until(client, 200, OUTAGE_DEADLINE_S)


@pytest.mark.asyncio
async def test_healthz_stays_a_liveness_check(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}


@pytest.mark.asyncio
async def test_a_configured_channel_that_is_not_running_makes_readyz_503(client: httpx.AsyncClient) -> None:
    readiness: Readiness = client._transport.app.state.readiness  # type: ignore[attr-defined]
    readiness.channels["sender"] = "failed: RuntimeError"
    readiness.probes["telegram"] = lambda: "running"
    answer = await client.get("/readyz")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert answer.json()["reason"] == "sender: sender is failed: RuntimeError"
    assert answer.json()["checks"]["telegram"] == {"ok": True, "state": "running"}
    readiness.channels["sender"] = "running"
    assert (await client.get("/readyz")).status_code == 200


@pytest.mark.asyncio
async def test_an_index_stuck_behind_the_store_is_not_ready(services: Services) -> None:
    now = [0.0]
    services.registry = Registry(services.engine, services.registry.walker, refresh_seconds=3600)
    readiness = Readiness(services, clock=lambda: now[0])
    assert (await readiness.check())["index"]["ok"]
    upsert_centres(services.engine, read_registry_file(GOOD).accepted[:1])  # another replica wrote
    first = (await readiness.check())["index"]
    assert first["ok"] and first["version"] + 1 == first["store_version"]  # moments behind: still ready
    now[0] += 11
    stuck = (await readiness.check())["index"]
    assert not stuck["ok"] and "for more than 10 s" in stuck["reason"]


@pytest.mark.asyncio
async def test_a_store_that_hangs_makes_readyz_answer_503_promptly(services: Services) -> None:
    release = asyncio.Event()
    loop = asyncio.get_running_loop()

    class Hanging(Readiness):
        def _probe(self) -> dict[str, dict[str, Any]]:
            asyncio.run_coroutine_threadsafe(release.wait(), loop).result(timeout=30)
            return super()._probe()

    readiness = Hanging(services, timeout=0.2)
    checks = await readiness.check()
    assert checks["store"] == {"ok": False, "reason": "no answer within 0.2 s"}
    again = await readiness.check()  # the hung probe is waited on, not joined by another thread
    assert again["store"]["ok"] is False
    release.set()


# -- a store outage, through a TCP proxy in front of PostgreSQL -------------------------------------------------------


@pytest.fixture
def proxied_pg() -> Iterator[tuple[TcpProxy, str]]:
    """A throw-away schema on the local PostgreSQL, reached through a TCP proxy the test can stop."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:
        admin.dispose()
        skip_or_fail(f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {type(error).__name__}")
        return
    direct = make_url(PG_ADMIN_URL)
    try:
        with tcp_proxy(direct.host or "127.0.0.1", direct.port or 5432) as proxy:
            url = direct.set(host="127.0.0.1", port=proxy.port).update_query_dict(
                {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
            yield proxy, url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


async def poll_until(client: httpx.AsyncClient, status: int, deadline_s: float) -> float:
    """Seconds until /readyz answers `status`; fails after deadline_s."""
    start = time.monotonic()
    while True:
        if (await client.get("/readyz")).status_code == status:
            return time.monotonic() - start
        if time.monotonic() - start > deadline_s:
            pytest.fail(f"/readyz did not answer {status} within {deadline_s} s")
        await asyncio.sleep(0.1)


@pytest.mark.postgres
@pytest.mark.asyncio
async def test_readyz_and_requests_follow_a_store_outage_and_its_recovery(proxied_pg: tuple[TcpProxy, str]) -> None:
    proxy, url = proxied_pg
    settings = Settings(database_url=url, rate_limit_per_minute=0)
    services = build_services(settings)
    services.registry.save(read_registry_file(GOOD).accepted)
    services.registry.snapshot()
    try:
        async with client_for(services) as client:
            assert (await client.get("/readyz")).status_code == 200
            assert (await client.post("/api/chat", json={"session": "outage", "text": "你好"})).status_code == 200

            proxy.stop()
            print(f"/readyz answered 503 {await poll_until(client, 503, OUTAGE_DEADLINE_S):.2f} s after the outage")
            ready = await client.get("/readyz")
            assert ready.headers["retry-after"] == "5"
            assert ready.json()["reason"].startswith("store: unreachable: ")
            assert (await client.get("/healthz")).status_code == 200  # liveness: the process is fine

            chat = await client.post("/api/chat", json={"session": "outage", "text": "你好"})
            assert chat.status_code == 503 and chat.headers["retry-after"] == "5"
            assert chat.json() == {"error": {"code": "store_unavailable", "field": None,
                                             "message": "服务暂时无法访问数据，请稍后再试"}}
            english = await client.post("/api/chat?lang=en", json={"session": "outage", "text": "hi"})
            assert english.json()["error"]["message"].startswith("The service cannot reach its data")
            page = await client.get("/chat", headers={"accept": "text/html"})
            assert page.status_code == 503 and page.headers["retry-after"] == "5"
            assert "服务暂时无法访问数据" in page.text and page.headers["content-type"].startswith("text/html")
            staff = await client.get("/api/admin/me", headers={"Authorization": "Bearer cc_whatever"})
            assert staff.status_code == 503  # the token check needs the store too

            proxy.start()
            print(f"/readyz answered 200 {await poll_until(client, 200, OUTAGE_DEADLINE_S):.2f} s after the recovery")
            assert (await client.post("/api/chat", json={"session": "outage", "text": "你好"})).status_code == 200
    finally:
        services.engine.dispose()


# -- starting with an unreachable store ------------------------------------------------------------------------------


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"postgresql+psycopg://postgres:secret@127.0.0.1:{port}/test"


def test_a_start_with_an_unreachable_store_says_so_in_one_line_and_gives_up(
        capsys: pytest.CaptureFixture[str]) -> None:
    waits: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    with pytest.raises(typer.Exit) as stopped:
        wire(Settings(database_url=closed_port_url(), store_wait_seconds=6), sleep=sleep, clock=lambda: now[0])
    assert stopped.value.exit_code == 1
    assert waits == [0.5, 1.0, 2.0, 2.5]  # backoff, doubling, up to the configured time
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    assert "unreachable" in lines[0] and "retrying for up to 6 s" in lines[0]
    assert "still" not in lines[0] and "still unreachable after 6 s" in lines[1]
    assert "secret" not in "".join(lines)  # the password is never printed
    assert "Connection refused" in lines[1] or "connection" in lines[1].lower()


def test_without_waiting_an_unreachable_store_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit):
        wire(Settings(database_url=closed_port_url(), store_wait_seconds=0))
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "错误 / error: 存储 postgresql+psycopg://postgres:***@")
    assert "不可用 / the store at postgresql+psycopg://postgres:***@" in lines[0]


@pytest.mark.postgres
def test_a_start_waits_for_a_store_that_comes_up(proxied_pg: tuple[TcpProxy, str],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    proxy, url = proxied_pg
    proxy.stop()
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            proxy.start()  # the database comes up while we wait

    services = wire(Settings(database_url=url, store_wait_seconds=30), sleep=sleep)
    try:
        assert services.registry.all() == []
        assert len(waits) == 2
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
    finally:
        services.engine.dispose()


# -- a serving process prepares itself ------------------------------------------------------------------------------


def test_a_serving_process_is_warm_and_its_collector_tuned(services: Services) -> None:
    import gc
    import sys

    from api import runtime

    thresholds, interval = gc.get_threshold(), sys.getswitchinterval()
    try:
        runtime.prepare_to_serve(services)
        assert gc.get_freeze_count() > 0  # the model, index and gazetteer are out of the collector's way
        assert gc.get_threshold() == runtime.GC_THRESHOLDS
        assert sys.getswitchinterval() == runtime.SWITCH_INTERVAL_S
        assert "dialogue" in vars(services)  # the engine was built before the first message
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        sys.setswitchinterval(interval)
