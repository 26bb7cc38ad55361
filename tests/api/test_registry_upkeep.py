"""The living registry over HTTP: one centre at a time with a reason, dated public history, only active centres
open to the public offered to parents (at once, and on another replica within its refresh), centre tokens that
change only their own centres and fields, and complaint cases from the web handled by staff."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import Engine, select

from api.app import create_app
from api.auth import Role, create_token
from api.services import build_services
from api.settings import Settings
from common import audit_log
from geodata.index import StraightLineWalker
from geodata.registry import Registry
from geodata.store import centres, lock_registry
from geodata.upkeep import edit_centre, import_file
from geodata.walk import WalkModel

GOOD = Path(__file__).parents[1] / "data" / "registry_good.csv"
ORIGIN = {"lat": 39.6, "lon": 109.76}


@dataclass
class Site:
    client: httpx.AsyncClient
    engine: Engine
    admin: dict[str, str]
    staff: dict[str, str]
    centre: dict[str, str]  # a centre token for T-001 and T-002
    registry: Registry


@pytest_asyncio.fixture
async def site(store: Engine) -> AsyncIterator[Site]:
    settings = Settings(database_url="sqlite://", rate_limit_per_minute=0)
    services = build_services(settings, engine=store)
    import_file(services.registry, GOOD)
    tokens = {role: create_token(store, f"t-{role.value}", role, ("T-001", "T-002") if role is Role.centre else ())
              for role in Role}
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield Site(client, store, *({"Authorization": f"Bearer {tokens[r]}"}
                                    for r in (Role.registry_admin, Role.health_staff, Role.centre)),
                   services.registry)


async def offered(site: Site) -> list[str]:
    answer = await site.client.get("/api/centres/nearest", params=ORIGIN)
    return [r["id"] for r in answer.json()["results"]]


@pytest.mark.asyncio
async def test_a_status_change_needs_a_reason_takes_effect_at_once_and_is_history(site: Site) -> None:
    assert "T-001" in await offered(site)
    refused = await site.client.patch("/api/admin/centres/T-001", headers=site.admin, json={"status": "suspended"})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "reason"
    done = await site.client.patch("/api/admin/centres/T-001", headers=site.admin,
                                   json={"status": "suspended", "reason": "双随机抽查发现消防隐患，限期整改"})
    assert done.status_code == 200 and done.json()["status"] == "suspended" and done.json()["offered"] is False
    assert "T-001" not in await offered(site)
    detail = (await site.client.get("/api/centres/T-001")).json()
    assert detail["status_label"]["zh"] == "已备案，暂停服务" and "暂停服务" in detail["status_meaning"]["zh"]
    history = (await site.client.get("/api/centres/T-001/history")).json()
    assert history["id"] == "T-001"
    assert [(e["field"], e["from"], e["to"]) for e in history["events"]] == [
        ("status", None, "active"), ("status", "active", "suspended")]
    assert history["events"][1]["reason"] == "双随机抽查发现消防隐患，限期整改"
    page = await site.client.get("/centres/T-001")
    assert "暂停服务" in page.text and "双随机抽查" in page.text


@pytest.mark.parametrize(("change", "label"), [
    ({"status": "revoked"}, "备案已撤销"), ({"status": "closed"}, "已关闭"),
    ({"open_to_public": False}, "仅对本单位职工开放"),
])
@pytest.mark.asyncio
async def test_no_centre_but_an_active_public_one_is_offered(site: Site, change: dict[str, Any], label: str) -> None:
    answer = await site.client.patch("/api/admin/centres/T-002", headers=site.admin, json={**change, "reason": "核查"})
    assert answer.status_code == 200
    assert "T-002" not in await offered(site)
    checked = (await site.client.get("/api/centres/search", params={"q": "萌宝驿站"})).json()["results"][0]
    assert checked["id"] == "T-002" and checked["status_label"]["zh"].startswith(label) and checked["offered"] is False
    assert label in (await site.client.get("/centres/T-002")).text


def test_another_replica_stops_offering_within_its_refresh(store: Engine) -> None:
    now = [0.0]
    walker = StraightLineWalker(WalkModel())
    writer = Registry(store, walker)
    import_file(writer, GOOD)
    replica = Registry(store, walker, refresh_seconds=2.0, clock=lambda: now[0])
    assert "T-001" in [m.centre.id for m in replica.within(39.6, 109.76)]
    edit_centre(writer, "T-001", {"status": "revoked"}, actor="test", reason="撤销备案")
    assert "T-001" not in [m.centre.id for m in writer.within(39.6, 109.76)]  # the writer: at once
    now[0] = 2.0  # the replica checks the store's version every 2 s
    assert "T-001" not in [m.centre.id for m in replica.within(39.6, 109.76)]


@pytest.mark.asyncio
async def test_a_centre_token_changes_only_its_own_centres_and_fields(site: Site) -> None:
    me = (await site.client.get("/api/centre/me", headers=site.centre)).json()
    assert [c["id"] for c in me["centres"]] == ["T-001", "T-002"]
    ok = await site.client.patch("/api/centre/T-001", headers=site.centre,
                                 json={"vacancies": 4, "fee_min": 1300, "hours": "07:30-18:30", "modes": ["full_day"]})
    assert ok.status_code == 200
    body = ok.json()
    assert (body["vacancies"], body["fee_min"], body["hours"], body["modes"]) == (4, 1300.0, "07:30-18:30",
                                                                                  ["full_day"])
    assert body["vacancies_updated_on"] and body["vacancies_stale"] is False
    for path, payload in [("/api/centre/T-003", {"vacancies": 1}), ("/api/centre/T-001", {"status": "closed"}),
                          ("/api/centre/T-001", {"capacity": 99}), ("/api/centre/T-001", {"name": "改名"}),
                          ("/api/centre/T-003", {"vacancies": -5})]:
        refused = await site.client.patch(path, headers=site.centre, json=payload)
        assert refused.status_code == 403, (path, payload)
        assert refused.json()["error"]["code"] in {"centre_not_allowed", "field_not_allowed"}
    assert (await site.client.patch("/api/admin/centres/T-001", headers=site.centre,
                                    json={"vacancies": 1})).status_code == 403
    assert (await site.client.patch("/api/centre/T-001", headers=site.admin, json={"vacancies": 1})).status_code == 403
    assert (await site.client.patch("/api/centre/T-001", json={"vacancies": 1})).status_code == 401
    too_many = await site.client.patch("/api/centre/T-001", headers=site.centre, json={"vacancies": 1000})
    assert too_many.status_code == 422 and too_many.json()["error"]["field"] == "vacancies"
    with site.engine.connect() as conn:
        assert conn.execute(select(audit_log.c.actor).where(audit_log.c.action == "centre.update")).scalars().all() \
            == ["t-centre"]


@pytest.mark.asyncio
async def test_vacancies_show_their_date_and_stale_ones_do_not_count(site: Site) -> None:
    fresh = (await site.client.get("/api/centres/nearest", params={**ORIGIN, "vacancies": True})).json()
    assert "T-001" in [r["id"] for r in fresh["results"]]
    assert all(r["vacancies_updated_on"] for r in fresh["results"])
    with site.engine.begin() as conn:
        lock_registry(conn)
        # Every write stamps updated_at: that is how replicas find the rows to apply (geodata/registry.py).
        conn.execute(centres.update().where(centres.c.id == "T-001").values(vacancies_updated_on=date(2020, 1, 1),
                                                                            updated_at=datetime.now(UTC)))
    site.registry.changed()  # as if this replica's 2 s had passed
    stale = (await site.client.get("/api/centres/nearest", params={**ORIGIN, "vacancies": True})).json()
    assert "T-001" not in [r["id"] for r in stale["results"]]
    listed = (await site.client.get("/api/centres/nearest", params=ORIGIN)).json()["results"]
    (first,) = [r for r in listed if r["id"] == "T-001"]
    assert first["vacancies_stale"] is True and first["vacancies_updated_on"] == "2020-01-01"
    assert "可能已过时" in (await site.client.get("/centres/T-001")).text
    reminder = await site.client.post("/api/admin/centres/T-001/reminder", headers=site.staff)
    assert reminder.status_code == 200 and "/centre?c=T-001" in reminder.json()["message"]
    listed_stale = (await site.client.get("/api/admin/centres", headers=site.staff, params={"stale": True})).json()
    assert "T-001" in [c["id"] for c in listed_stale["centres"]]


@pytest.mark.asyncio
async def test_a_web_case_is_filed_handled_and_reported_back(site: Site) -> None:
    refused = await site.client.post("/api/cases", json={"centre_id": "T-001", "what": "孩子被老师推倒受伤",
                                                         "consent": False})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "consent"
    filed = await site.client.post("/api/cases", json={"centre_name": "测试托育园", "what": "孩子被老师推倒受伤了",
                                                       "contact": "13900000000", "consent": True})
    assert filed.status_code == 201
    number = filed.json()["number"]
    assert filed.json()["centre_id"] == "T-001" and filed.json()["status"] == "received"
    listed = (await site.client.get("/api/admin/cases", headers=site.staff)).json()
    assert listed["cases"][0]["number"] == number and listed["cases"][0]["serious"] is True
    assert listed["flagged_centres"] == [{"centre_id": "T-001", "name": "测试托育园", "open_serious_cases": 1}]
    assert "T-001" in await offered(site)  # flagged to staff, never silently hidden from parents
    for step in ({"assignee": "王科长"}, {"note": "已电话联系家长"}, {"rectify_by": "2099-01-31"},
                 {"status": "resolved", "outcome": "机构已整改，涉事人员已调离"}):
        answer = await site.client.patch(f"/api/admin/cases/{number}", headers=site.staff, json=step)
        assert answer.status_code == 200, answer.text
    status = (await site.client.get(f"/api/cases/{number}")).json()
    assert status["status"] == "resolved" and status["outcome"] == "机构已整改，涉事人员已调离"
    assert status["rectify_by"] == "2099-01-31" and "contact" not in status
    page = await site.client.get(f"/cases/{number}")
    assert "已办结" in page.text and "机构已整改" in page.text
    history = (await site.client.get("/api/centres/T-001/history")).json()["events"]
    assert ("rectify_by", "2099-01-31") in [(e["field"], e["to"]) for e in history]
    with site.engine.connect() as conn:
        actions = conn.execute(select(audit_log.c.action).where(audit_log.c.target == number)
                               .order_by(audit_log.c.id)).scalars().all()
    assert actions == ["case.file", "case.assign", "case.note", "case.rectify", "case.resolve", "case.outcome",
                       "case.status_read", "case.status_read"]
    assert (await site.client.get("/api/admin/cases", headers=site.centre)).status_code == 403


@pytest.mark.asyncio
async def test_the_web_form_files_a_case_and_leads_with_110(site: Site) -> None:
    form = await site.client.get("/cases", params={"centre": "T-002"})
    assert form.status_code == 200 and "110" in form.text and "萌宝驿站" in form.text
    missing = await site.client.post("/cases", data={"centre_id": "T-002", "what": "孩子被打了"})
    assert missing.status_code == 422 and "同意" in missing.text
    done = await site.client.post("/cases", data={"centre_id": "T-002", "what": "孩子被打了", "consent": "yes"})
    assert done.status_code == 303
    page = await site.client.get(done.headers["location"])
    assert "案件编号" in page.text and "110" in page.text


@pytest.mark.asyncio
async def test_errors_have_one_shape_in_chinese_or_english(site: Site) -> None:
    zh = await site.client.get("/api/centres/NOPE")
    assert zh.json() == {"error": {"code": "not_found", "message": "没有备案编号为“NOPE”的机构", "field": "centre_id"}}
    en = await site.client.get("/api/centres/NOPE", params={"lang": "en"})
    assert en.json()["error"]["message"] == "no centre with id 'NOPE'"
    header = await site.client.get("/api/centres/nearest", params={"lat": 95, "lon": 1},
                                   headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert header.status_code == 422 and header.json()["error"]["field"] == "lat"
    assert "less than or equal" in header.json()["error"]["message"]
    no_token = await site.client.get("/api/admin/cases")
    assert no_token.status_code == 401 and set(no_token.json()["error"]) == {"code", "message", "field"}
    wrong_role = await site.client.get("/api/admin/cases", headers=site.centre)
    assert wrong_role.json()["error"]["code"] == "wrong_role"
    document = (await site.client.get("/openapi.json")).json()
    assert "ErrorResponse" in document["components"]["schemas"] and "HTTPValidationError" not in str(document)
    patch = document["paths"]["/api/admin/centres/{centre_id}"]["patch"]["responses"]
    assert {"401", "403", "404", "422"} <= set(patch)
    assert patch["403"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/ErrorResponse"


@pytest.mark.asyncio
async def test_docs_work_offline(site: Site) -> None:
    docs = await site.client.get("/docs")
    assert docs.status_code == 200 and "/docs-static/swagger-ui-bundle.js" in docs.text
    assert "cdn." not in docs.text and "jsdelivr" not in docs.text and "unpkg" not in docs.text
    for asset in ("/docs-static/swagger-ui-bundle.js", "/docs-static/swagger-ui.css"):
        assert (await site.client.get(asset)).status_code == 200


@pytest.mark.asyncio
async def test_upload_size_is_counted_on_the_file_not_its_framing(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    from api import web
    from api.routes import admin

    data = GOOD.read_bytes()
    monkeypatch.setattr(admin, "UPLOAD_FILE_MAX_BYTES", len(data))  # the file fits exactly…
    monkeypatch.setattr(web, "UPLOAD_MAX_BYTES", len(data) + 4096)  # …its multipart framing is allowed for
    fits = await site.client.post("/api/admin/registry/import", headers=site.admin, data={"dry_run": "true"},
                                  files={"file": ("centres.csv", data, "text/csv")})
    assert fits.status_code == 200 and fits.json()["accepted"] == 4
    over = await site.client.post("/api/admin/registry/import", headers=site.admin, data={"dry_run": "true"},
                                  files={"file": ("centres.csv", data + b"\n", "text/csv")})
    assert over.status_code == 413 and over.json()["error"] == {
        "code": "too_large", "message": f"文件超过 {len(data) // 2**20} MB，未导入任何数据", "field": "file"}
