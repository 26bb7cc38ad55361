"""The parents' JSON API: leave (same JSON as the CLI), guidance and chat."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

GOOD = Path(__file__).parents[1] / "data" / "registry_good.csv"


@pytest.mark.asyncio
async def test_leave_matches_the_contract(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/leave", params={"region": "内蒙古", "birth_date": "2025-03-01"})
    assert response.status_code == 200
    body = response.json()
    assert body["region"] == {**body["region"], "code": "150000", "name": "内蒙古自治区"}
    by_kind = {e["kind"]: e for e in body["entitlements"]}
    assert by_kind["maternity"]["days"] == 158 and by_kind["maternity"]["verified"] is True
    assert by_kind["maternity"]["start"] == "2025-03-01"
    assert [b["days"] for b in by_kind["maternity"]["basis"]] == [98, 60]
    assert by_kind["paternity"]["days"] == 25
    assert by_kind["parental"]["verified"] is False


@pytest.mark.asyncio
async def test_leave_with_twins_and_a_difficult_birth(client: httpx.AsyncClient) -> None:
    params = {"region": "150000", "birth_date": "2025-03-01", "babies": 2, "difficult_birth": "true"}
    body = (await client.get("/api/leave", params=params)).json()
    assert next(e for e in body["entitlements"] if e["kind"] == "maternity")["days"] == 158 + 15 + 15


@pytest.mark.asyncio
@pytest.mark.parametrize("params", [
    {"region": "火星", "birth_date": "2025-03-01"},
    {"region": "内蒙古", "birth_date": "2025-02-30"},
    {"region": "内蒙古"},
    {"region": "内蒙古", "birth_date": "2025-03-01", "babies": 0},
])
async def test_bad_leave_requests_get_422(client: httpx.AsyncClient, params: dict) -> None:
    response = await client.get("/api/leave", params=params)
    assert response.status_code == 422
    assert "error" in response.json()


@pytest.mark.asyncio
async def test_chat_keeps_the_conversation(client: httpx.AsyncClient) -> None:
    first = (await client.post("/api/chat", json={"session": "w1", "text": "产假多少天"})).json()
    assert (first["session"], first["intent"]) == ("w1", "leave")
    second = (await client.post("/api/chat", json={"session": "w1", "text": "内蒙古，2026-01-10出生"})).json()
    assert second["intent"] == "leave" and "158" in second["text"]
    other = (await client.post("/api/chat", json={"session": "w2", "text": "2026-01-10"})).json()
    assert "158" not in other["text"]


@pytest.mark.asyncio
async def test_chat_rejects_bad_bodies(client: httpx.AsyncClient) -> None:
    assert (await client.post("/api/chat", json={"session": "", "text": "hi"})).status_code == 422
    assert (await client.post("/api/chat", json={"session": "a", "text": "x" * 10_001})).status_code == 422
    assert (await client.post("/api/chat", json={"text": "hi"})).status_code == 422
    odd_session = await client.post("/api/chat", json={"session": "家 长 1", "text": "你好"})
    assert odd_session.status_code == 200 and odd_session.json()["session"] == "家 长 1"


@pytest.mark.asyncio
async def test_guidance_routes(client: httpx.AsyncClient) -> None:
    listed = (await client.get("/api/guidance", params={"age_months": 8, "locale": "zh"})).json()["articles"]
    assert listed and all(a["age_from_months"] <= 8 <= a["age_to_months"] for a in listed)
    slug = listed[0]["slug"]
    article = (await client.get(f"/api/guidance/{slug}")).json()
    assert article["slug"] == slug and article["body"]
    assert (await client.get("/api/guidance/no-such-article")).status_code == 404
    plan = (await client.get("/api/guidance/plan", params={"birth_date": "2026-01-01"})).json()
    days = [item["send_on"] for item in plan["items"]]
    assert days and days == sorted(days)
