"""The admin API over ASGI: roles, broadcasts (the contract's routes), registry upload, share links, audit, pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import Engine, select

from api.app import create_app
from api.auth import create_token, revoke_token
from api.services import build_services
from api.settings import Settings
from api.store import audit_log
from messaging.sender import Sender
from messaging.subscriptions import Subscriptions
from messaging.telegram import TelegramChannel
from tests.messaging.test_sender import RecordingTransport
from tests.messaging.test_subscriptions import FakePlan

DATA = Path(__file__).resolve().parents[1] / "data"
FLU = {"text": "流感季节到了，请带6月龄以上的孩子接种流感疫苗。",
       "segment": {"regions": ["150627"], "age_months": [0, 12], "language": "zh"}}


@pytest.fixture
def engine(sqlite_store: Engine) -> Engine:
    return sqlite_store


@pytest_asyncio.fixture
async def client(engine: Engine) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(database_url="sqlite://", public_url="https://tuoyu.example.cn")
    transport = httpx.ASGITransport(app=create_app(settings, build_services(settings, engine=engine)))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@pytest.fixture
def tokens(engine: Engine) -> dict[str, dict[str, str]]:
    made = {role: create_token(engine, f"{role}-person", role)
            for role in ("health_staff", "registry_admin", "community_worker")}
    return {role: {"Authorization": f"Bearer {token}"} for role, token in made.items()}


def families(engine: Engine) -> None:
    subs = Subscriptions(engine, FakePlan())
    today = datetime.now().date()
    subs.subscribe(1, today.replace(day=1), "150627", "zh", datetime.now().astimezone())
    subs.subscribe(2, today.replace(day=1), "150627", "en", datetime.now().astimezone())   # wrong language
    subs.subscribe(3, today.replace(day=1), "150602", "zh", datetime.now().astimezone())   # other county
    subs.subscribe(4, date(today.year - 2, 1, 1), "150627", "zh", datetime.now().astimezone())  # too old


ROUTES: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("POST", "/api/admin/broadcasts", FLU, "health_staff"),
    ("POST", "/api/admin/broadcasts/preview", FLU, "health_staff"),
    ("GET", "/api/admin/broadcasts", None, "health_staff"),
    ("GET", "/api/admin/broadcasts/some-id", None, "health_staff"),
    ("POST", "/api/admin/broadcasts/some-id/send", None, "health_staff"),
    ("POST", "/api/admin/broadcasts/some-id/cancel", None, "health_staff"),
    ("POST", "/api/admin/share-links", {"kind": "community", "target": "150627001"}, "community_worker"),
    ("GET", "/api/admin/share-links", None, "community_worker"),
]


@pytest.mark.parametrize(("method", "path", "body", "role"), ROUTES)
@pytest.mark.asyncio
async def test_roles_hold(client: httpx.AsyncClient, tokens: dict, engine: Engine, method: str, path: str, body: Any,
                    role: str) -> None:
    assert (await client.request(method, path, json=body)).status_code == 401
    nonsense = {"Authorization": "Bearer cc_nonsense"}
    assert (await client.request(method, path, json=body, headers=nonsense)).status_code == 401
    assert (await client.request(method, path, json=body, headers={"Authorization": "Basic abc"})).status_code == 401
    for other in tokens:
        if other != role:
            assert (await client.request(method, path, json=body, headers=tokens[other])).status_code == 403
    assert (await client.request(method, path, json=body, headers=tokens[role])).status_code not in (401, 403)
    revoke_token(engine, f"{role}-person")
    assert (await client.request(method, path, json=body, headers=tokens[role])).status_code == 401


@pytest.mark.asyncio
async def test_registry_upload_needs_registry_admin(client: httpx.AsyncClient, tokens: dict) -> None:
    files = {"file": ("centres.csv", (DATA / "registry_good.csv").read_bytes(), "text/csv")}
    assert (await client.post("/api/admin/registry/import", files=files)).status_code == 401
    wrong = await client.post("/api/admin/registry/import", files=files, headers=tokens["health_staff"])
    assert wrong.status_code == 403


@pytest.mark.asyncio
async def test_broadcast_contract(client: httpx.AsyncClient, tokens: dict, engine: Engine) -> None:
    families(engine)
    staff = tokens["health_staff"]
    preview = (await client.post("/api/admin/broadcasts/preview", json=FLU, headers=staff)).json()
    assert preview["recipients"] == 1 and "流感疫苗" in preview["messages"]["zh"]

    created = await client.post("/api/admin/broadcasts", json=FLU, headers=staff)
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"id", "status", "recipients"} and (body["status"], body["recipients"]) == ("draft", 1)
    broadcast_id = body["id"]

    sent = await client.post(f"/api/admin/broadcasts/{broadcast_id}/send", headers=staff)
    assert sent.status_code == 202
    assert sent.json()["status"] in ("queued", "sending") and sent.json()["recipients"] == 1
    assert (await client.post(f"/api/admin/broadcasts/{broadcast_id}/send", headers=staff)).status_code == 409

    report = (await client.get(f"/api/admin/broadcasts/{broadcast_id}", headers=staff)).json()
    assert {k: report[k] for k in ("id", "status", "recipients", "queued", "sent", "failed", "blocked")} == {
        "id": broadcast_id, "status": "sending", "recipients": 1, "queued": 1, "sent": 0, "failed": 0, "blocked": 0}

    transport = RecordingTransport(datetime.now)
    await Sender(engine, TelegramChannel(transport, FakePlan()), rate=None).run_once()
    assert [chat for _, chat, text in transport.sent if "流感疫苗" in text] == [1]
    report = (await client.get(f"/api/admin/broadcasts/{broadcast_id}", headers=staff)).json()
    assert (report["status"], report["queued"], report["sent"]) == ("done", 0, 1)
    listed = (await client.get("/api/admin/broadcasts", headers=staff)).json()["broadcasts"]
    assert [b["id"] for b in listed] == [broadcast_id]


@pytest.mark.asyncio
async def test_scheduled_draft_then_cancel(client: httpx.AsyncClient, tokens: dict, engine: Engine) -> None:
    families(engine)
    staff = tokens["health_staff"]
    body = {**FLU, "scheduled_at": "2099-01-01T09:00:00"}
    broadcast_id = (await client.post("/api/admin/broadcasts", json=body, headers=staff)).json()["id"]
    report = (await client.get(f"/api/admin/broadcasts/{broadcast_id}", headers=staff)).json()
    assert report["scheduled_at"] == "2099-01-01T01:00:00+00:00"  # 09:00 in Beijing
    assert (await client.post(f"/api/admin/broadcasts/{broadcast_id}/send", headers=staff)).json()["status"] == "queued"
    cancelled = (await client.post(f"/api/admin/broadcasts/{broadcast_id}/cancel", headers=staff)).json()
    assert (cancelled["status"], cancelled["queued"], cancelled["cancelled"]) == ("cancelled", 0, 1)


@pytest.mark.parametrize(("body", "words"), [
    ({"text": "x", "segment": {"regions": ["15062"]}}, "segment.regions"),
    ({"text": "x", "segment": {"age_months": [12, 0]}}, "segment.age_months"),
    ({"text": "", "segment": {}}, "text"),
    ({"text": "x", "segment": {}, "colour": "red"}, "colour"),
])
@pytest.mark.asyncio
async def test_bad_broadcasts_name_the_field(client: httpx.AsyncClient, tokens: dict, body: dict, words: str) -> None:
    answer = await client.post("/api/admin/broadcasts", json=body, headers=tokens["health_staff"])
    assert answer.status_code == 422
    assert words in answer.text


@pytest.mark.asyncio
async def test_unknown_broadcast_is_404(client: httpx.AsyncClient, tokens: dict) -> None:
    assert (await client.get("/api/admin/broadcasts/nope", headers=tokens["health_staff"])).status_code == 404


@pytest.mark.asyncio
async def test_registry_upload_with_report(client: httpx.AsyncClient, tokens: dict) -> None:
    admin = tokens["registry_admin"]
    data = (DATA / "registry_good.csv").read_bytes()
    dry = await client.post("/api/admin/registry/import", headers=admin, data={"dry_run": "true"},
                      files={"file": ("centres.csv", data, "text/csv")})
    assert dry.status_code == 200 and dry.json()["dry_run"] is True and dry.json()["accepted"] > 0
    assert (await client.get("/api/centres/T-001")).status_code == 404
    done = await client.post("/api/admin/registry/import", headers=admin,
                             files={"file": ("centres.csv", data, "text/csv")})
    assert done.json()["accepted"] == dry.json()["accepted"] and done.json()["rejected"] == []
    assert (await client.get("/api/centres/T-001")).json()["name"] == "测试托育园"
    bad = await client.post("/api/admin/registry/import", headers=admin,
                      files={"file": ("centres.csv", b"name,lat\nx,1\n", "text/csv")})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "unusable_file" and "未导入任何数据" in bad.text


@pytest.mark.asyncio
async def test_share_links(client: httpx.AsyncClient, tokens: dict) -> None:
    worker = tokens["community_worker"]
    made = await client.post("/api/admin/share-links", headers=worker,
                       json={"kind": "campaign", "target": "/guidance/vaccination-schedule", "title": "流感疫苗宣传"})
    assert made.status_code == 201
    link = made.json()
    assert link["url"] == f"https://tuoyu.example.cn/s/{link['code']}" and link["opened"] == 0
    listed = (await client.get("/api/admin/share-links", headers=worker)).json()["links"]
    assert [(x["code"], x["kind"], x["target"]) for x in listed] == [
        (link["code"], "campaign", "/guidance/vaccination-schedule")]
    off_site = await client.post("/api/admin/share-links", headers=worker,
                                 json={"kind": "campaign", "target": "//evil.example/x"})
    assert off_site.status_code == 422 and off_site.json()["error"]["field"] == "target"
    poster = await client.post("/api/admin/share-links", headers=worker, json={"kind": "poster", "target": "x"})
    assert poster.status_code == 422


@pytest.mark.asyncio
async def test_every_admin_change_is_audited(client: httpx.AsyncClient, tokens: dict, engine: Engine) -> None:
    staff = tokens["health_staff"]
    broadcast_id = (await client.post("/api/admin/broadcasts", json=FLU, headers=staff)).json()["id"]
    await client.post(f"/api/admin/broadcasts/{broadcast_id}/send", headers=staff)
    await client.post(f"/api/admin/broadcasts/{broadcast_id}/cancel", headers=staff)
    await client.post("/api/admin/share-links", headers=tokens["community_worker"],
                      json={"kind": "centre", "target": "T-1"})
    await client.post("/api/admin/registry/import", headers=tokens["registry_admin"],
                files={"file": ("c.csv", (DATA / "registry_good.csv").read_bytes(), "text/csv")})
    await client.get("/api/admin/broadcasts", headers=staff)  # reads are not changes
    with engine.connect() as conn:
        logged = [(r.actor, r.action) for r in conn.execute(select(audit_log).order_by(audit_log.c.id))]
    assert logged == [
        ("cli", "token.create"), ("cli", "token.create"), ("cli", "token.create"),
        ("health_staff-person", "broadcast.create"), ("health_staff-person", "broadcast.send"),
        ("health_staff-person", "broadcast.cancel"), ("community_worker-person", "share_link.create"),
        ("registry_admin-person", "registry.import"),
    ]
    entries = (await client.get("/api/admin/audit", headers=tokens["community_worker"])).json()["entries"]
    assert entries[0]["action"] == "registry.import" and len(entries) == 8


@pytest.mark.parametrize("page", ["/admin", "/admin/broadcasts", "/admin/registry", "/admin/links", "/admin/audit"])
@pytest.mark.asyncio
async def test_admin_pages(client: httpx.AsyncClient, page: str) -> None:
    answer = await client.get(page)
    assert answer.status_code == 200 and "text/html" in answer.headers["content-type"]
    assert "托育圈" in answer.text and "/static/admin.js" in answer.text


@pytest.mark.asyncio
async def test_unknown_admin_page(client: httpx.AsyncClient) -> None:
    assert (await client.get("/admin/secret")).status_code == 404


@pytest.mark.asyncio
async def test_a_large_filing_list_is_accepted_but_a_large_chat_is_not(client: httpx.AsyncClient,
                                                                       tokens: dict) -> None:
    lines = (DATA / "registry_good.csv").read_text(encoding="utf-8").splitlines()
    rows = [lines[1].replace("T-001", f"L-{i:04d}") for i in range(800)]  # about 100 KB
    data = ("\n".join([lines[0], *rows]) + "\n").encode("utf-8")
    assert len(data) > 65536
    upload = await client.post("/api/admin/registry/import", headers=tokens["registry_admin"],
                               files={"file": ("big.csv", data, "text/csv")})
    assert upload.status_code == 200 and upload.json()["accepted"] == 800
    chat = await client.post("/api/chat", json={"session": "s", "text": "x" * 70000})
    assert chat.status_code == 413
