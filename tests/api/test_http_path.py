"""The HTTP path (issue 16, item 2): pure ASGI middleware, headers added once, orjson, and nearest answered from
the in-memory snapshot with no store round trip. (Throughput is measured by tests/benchmarks/bench_api.py.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import event
from starlette.middleware.base import BaseHTTPMiddleware

from api.app import create_app
from api.services import Services, build_services
from api.settings import Settings
from api.web import SECURITY_HEADERS, FastJSONResponse
from geodata.importer import read_registry_file
from tests.api.conftest import GOOD


@pytest_asyncio.fixture
async def served(sqlite_store) -> AsyncIterator[tuple[httpx.AsyncClient, Services, list[str]]]:  # type: ignore[no-untyped-def]
    """The app with its lifespan run (so the registry is built and watched), and every SQL statement it sends."""
    settings = Settings(database_url="sqlite://")
    services = build_services(settings, engine=sqlite_store)
    services.registry.save(read_registry_file(GOOD).accepted)
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(sqlite_store, "before_cursor_execute", record)
    app = create_app(settings, services)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), \
            httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client, services, statements
    event.remove(sqlite_store, "before_cursor_execute", record)


@pytest.mark.asyncio
async def test_nearest_asks_the_store_nothing_once_the_snapshot_is_watched(served) -> None:  # type: ignore[no-untyped-def]
    client, services, statements = served
    assert services.registry.watched
    before = len(statements)
    for _ in range(20):
        response = await client.get("/api/centres/nearest", params={"lat": 39.6, "lon": 109.76, "inclusive": "true"})
        assert response.status_code == 200 and response.json()["results"]
    sent = [s for s in statements[before:] if "registry_meta" not in s]  # the watcher's once-a-second check
    assert sent == []
    assert len([s for s in statements[before:] if "registry_meta" in s]) <= 2


@pytest.mark.asyncio
async def test_every_security_header_is_sent_exactly_once(served) -> None:  # type: ignore[no-untyped-def]
    client, _, _ = served
    for path in ("/api/centres/nearest?lat=39.6&lon=109.76", "/healthz", "/api/centres/nearest?lat=99&lon=1", "/"):
        response = await client.get(path)
        for name, value in SECURITY_HEADERS:
            assert response.headers.get_list(name.decode()) == [value.decode()], (path, name)
    docs = await client.get("/docs")
    assert "content-security-policy" not in docs.headers and docs.headers["x-frame-options"] == "DENY"


@pytest.mark.asyncio
async def test_json_is_written_by_orjson_with_chinese_kept(served) -> None:  # type: ignore[no-untyped-def]
    client, _, _ = served
    response = await client.get("/api/centres/nearest", params={"lat": 39.6, "lon": 109.76})
    assert response.headers["content-type"] == "application/json"
    assert "萌宝".encode() in response.content and b"\\u" not in response.content
    assert (await client.get("/healthz")).json() == {"status": "ok"}


@pytest.mark.asyncio
async def test_bad_parameters_keep_the_error_shape_and_name_the_field(served) -> None:  # type: ignore[no-untyped-def]
    client, _, _ = served
    response = await client.get("/api/centres/nearest", params={"lat": 39.6, "lon": 109.76, "kind": "zoo"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid" and response.json()["error"]["field"] == "kind.0"
    missing = await client.get("/api/centres/nearest", params={"lat": 39.6})
    assert missing.json()["error"]["field"] == "lon"


@pytest.mark.asyncio
async def test_repeated_kinds_and_an_encoded_query_are_read(served) -> None:  # type: ignore[no-untyped-def]
    client, _, _ = served
    one = await client.get("/api/centres/nearest?lat=39.6&lon=109.76&kind=community")
    both = await client.get("/api/centres/nearest?lat=39.6&lon=109.76&kind=community&kind=centre&minutes=%31%35")
    kinds_one = {r["kind"] for r in one.json()["results"]}
    assert kinds_one == {"community"}
    assert {r["kind"] for r in both.json()["results"]} >= kinds_one and both.json()["minutes"] == 15


@pytest.mark.asyncio
async def test_exports_are_the_same_bytes_until_the_registry_changes(served) -> None:  # type: ignore[no-untyped-def]
    client, services, _ = served
    first = await client.get("/api/centres/export.geojson")
    second = await client.get("/api/centres/export.geojson")
    assert first.content == second.content and first.json()["type"] == "FeatureCollection"
    centre = services.registry.get("T-001")
    assert centre is not None
    from dataclasses import replace

    services.registry.save([replace(centre, name="改名托育园")])
    third = await client.get("/api/centres/export.geojson")
    assert third.content != first.content
    assert third.json()["features"][0]["properties"]["name"] == "改名托育园"


def test_middleware_is_pure_asgi_and_json_is_orjson(sqlite_store) -> None:  # type: ignore[no-untyped-def]
    app = create_app(Settings(database_url="sqlite://"), build_services(Settings(database_url="sqlite://"),
                                                                          engine=sqlite_store))
    assert app.user_middleware
    assert not any(issubclass(m.cls, BaseHTTPMiddleware) for m in app.user_middleware)  # type: ignore[arg-type]
    assert app.router.default_response_class is FastJSONResponse
    assert app.router.routes[0].path == "/api/centres/nearest"  # type: ignore[attr-defined]
