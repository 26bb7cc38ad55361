"""Explicit bounds on API inputs: what schemathesis found as server errors is now refused (or cleaned) with 4xx."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import Engine, select

from api.app import create_app
from api.auth import Role, create_token
from api.bounds import SESSION_MAX_LENGTH
from api.services import build_services
from api.settings import Settings
from api.sharelinks import create_link
from bot.store import conversations
from geodata.importer import read_registry_file

GOOD = Path(__file__).parents[1] / "data" / "registry_good.csv"


@pytest_asyncio.fixture
async def client(store: Engine) -> AsyncIterator[httpx.AsyncClient]:
    """The app on SQLite and on PostgreSQL (a VARCHAR(80) and a NUL byte only bite there)."""
    settings = Settings(database_url="sqlite://", rate_limit_per_minute=0)
    services = build_services(settings, engine=store)
    services.registry.save(read_registry_file(GOOD).accepted)
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        c.engine = store  # type: ignore[attr-defined]
        yield c


def staff(client: httpx.AsyncClient, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(client.engine, f'bounds {role}', role)}"}  # type: ignore[attr-defined]


@pytest.mark.asyncio
@pytest.mark.parametrize("birth_date", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
async def test_a_plan_for_a_date_out_of_range_is_refused(client: httpx.AsyncClient, birth_date: str) -> None:
    answer = await client.get("/api/guidance/plan", params={"birth_date": birth_date})
    assert answer.status_code == 422
    assert answer.json()["error"] == {"code": "invalid", "field": "birth_date",
                                      "message": "birth_date：应为 1900-01-01 至 2100-12-31 之间的日期"}
    english = await client.get("/api/guidance/plan", params={"birth_date": birth_date, "lang": "en"})
    assert english.json()["error"]["message"] == "birth_date: must be a date from 1900-01-01 to 2100-12-31"


@pytest.mark.asyncio
@pytest.mark.parametrize("birth_date", ["1900-01-01", "2100-12-31", "2025-03-01"])
async def test_a_plan_inside_the_range_is_given(client: httpx.AsyncClient, birth_date: str) -> None:
    answer = await client.get("/api/guidance/plan", params={"birth_date": birth_date})
    assert answer.status_code == 200 and answer.json()["birth_date"] == birth_date


@pytest.mark.asyncio
async def test_the_longest_chat_session_fits_its_column_after_the_prefix(client: httpx.AsyncClient) -> None:
    assert SESSION_MAX_LENGTH == 76  # VARCHAR(80) less "web:"
    longest = "s" * SESSION_MAX_LENGTH
    answer = await client.post("/api/chat", json={"session": longest, "text": "你好"})
    assert answer.status_code == 200 and answer.json()["session"] == longest
    with client.engine.connect() as conn:  # type: ignore[attr-defined]
        assert conn.execute(select(conversations.c.session)).scalars().all() == [f"web:{longest}"]
    too_long = await client.post("/api/chat", json={"session": longest + "s", "text": "你好"})
    assert too_long.status_code == 422


@pytest.mark.asyncio
@pytest.mark.parametrize("session", ["a\x00b", "line\nbreak", "tab\there", "\x1b[31m"])
async def test_a_chat_session_with_control_characters_is_refused(client: httpx.AsyncClient, session: str) -> None:
    assert (await client.post("/api/chat", json={"session": session, "text": "你好"})).status_code == 422


@pytest.mark.asyncio
async def test_control_characters_in_a_chat_message_are_dropped(client: httpx.AsyncClient) -> None:
    answer = await client.post("/api/chat", json={"session": "nul", "text": "附近\x00有普惠\x07托育吗"})
    assert answer.status_code == 200 and answer.json()["intent"] == "find_centre"


@pytest.mark.asyncio
@pytest.mark.parametrize("field", ["target", "title"])
async def test_a_share_link_with_control_characters_is_refused(client: httpx.AsyncClient, field: str) -> None:
    body = {"kind": "campaign", "target": "/leave", "title": "产假"}
    body[field] = body[field] + "\x00\n"
    answer = await client.post("/api/admin/share-links", json=body, headers=staff(client, Role.community_worker))
    assert answer.status_code == 422


@pytest.mark.asyncio
async def test_a_broadcast_scheduled_out_of_range_is_refused_and_its_text_cleaned(client: httpx.AsyncClient) -> None:
    headers = staff(client, Role.health_staff)
    for moment in ("0001-01-01T00:00:00", "9999-12-31T23:59:59+14:00"):
        answer = await client.post("/api/admin/broadcasts", headers=headers,
                                   json={"text": "流感季节", "scheduled_at": moment})
        assert answer.status_code == 422, moment
    created = await client.post("/api/admin/broadcasts", headers=headers, json={"text": "流感\x00季节\n注意"})
    assert created.status_code == 201


@pytest.mark.asyncio
@pytest.mark.parametrize("broadcast_id", ["x" * 37, "a b", "%00"])
async def test_a_malformed_broadcast_id_is_refused(client: httpx.AsyncClient, broadcast_id: str) -> None:
    answer = await client.get(f"/api/admin/broadcasts/{broadcast_id}", headers=staff(client, Role.health_staff))
    assert answer.status_code in (400, 422)


@pytest.mark.asyncio
@pytest.mark.parametrize("limit", ["0", "1001", "99999999999999999999999"])
async def test_the_audit_limit_is_bounded(client: httpx.AsyncClient, limit: str) -> None:
    answer = await client.get("/api/admin/audit", params={"limit": limit}, headers=staff(client, Role.health_staff))
    assert answer.status_code == 422


@pytest.mark.asyncio
@pytest.mark.parametrize("address", ["/s/ab%00cd", "/s/ab%00cd/qr.png", "/centres/x%00y", "/api/centres/x%00y",
                                     "/?place=%00", "/api/centres/search?q=a%00"])
async def test_a_nul_byte_in_the_address_is_a_bad_request(client: httpx.AsyncClient, address: str) -> None:
    assert (await client.get(address)).status_code == 400


@pytest.mark.asyncio
async def test_control_characters_never_reach_a_page_title(client: httpx.AsyncClient) -> None:
    # Written below the API (an older row, or an import): the page still shows one clean line.
    create_link(client.engine, "campaign", "/leave", "test", title="产假\x1b[2J\n育儿假\x07", code="ctl")  # type: ignore[attr-defined]
    for address in ("/s/ctl", "/s/ctl/poster"):
        page = (await client.get(address, headers={"accept": "text/html"})).text
        head = page.split("</head>")[0]
        assert "<title>产假 [2J 育儿假" in head
        assert not any(ch in head for ch in "\x1b\x07") and "育儿假\n" not in head
