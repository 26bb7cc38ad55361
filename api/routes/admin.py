"""The staff side: broadcasts, registry uploads, share links and the audit log (JSON API), and simple admin pages.

Every JSON route takes `Authorization: Bearer TOKEN` (see api.auth): 401 without a valid token, 403 with the
wrong role. Every change writes an audit_log row whose actor is the token's name. The pages are plain shells:
they keep the token in the browser's sessionStorage and call the JSON API, so access is checked in one place.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy import Engine, select

from api.auth import Role, Staff, audit, require_role, write_audit
from api.bounds import DATE_RANGE, SINGLE_LINE, CleanText, in_date_range
from api.deps import ServicesDep
from api.sharelinks import ShareLink, ShareLinkError, create_link, list_links
from api.store import audit_log
from api.web import static_url
from bot.outbox import (
    SHANGHAI,
    BroadcastError,
    Broadcasts,
    BroadcastStateError,
    Segment,
    SegmentError,
    UnknownBroadcast,
)
from geodata.crs import Crs
from geodata.importer import UnusableFile, read_registry_file
from geodata.store import as_utc

router = APIRouter(tags=["admin"])
templates = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")

HealthStaff = Annotated[Staff, Depends(require_role(Role.health_staff))]
RegistryAdmin = Annotated[Staff, Depends(require_role(Role.registry_admin))]
CommunityWorker = Annotated[Staff, Depends(require_role(Role.community_worker))]
AnyStaff = Annotated[Staff, Depends(require_role(*Role))]
ERRORS: dict[int | str, dict[str, Any]] = {401: {"description": "no valid staff token"},
                                           403: {"description": "the token's role may not do this"}}


def _sane_moment(value: datetime | None) -> datetime | None:
    if value is not None:
        in_date_range(value.date())
    return value


class BroadcastIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: CleanText = Field(min_length=1, max_length=4096,
                            description="plain text, as staff wrote it; control characters other than line breaks "
                                        "and tabs are dropped")
    segment: dict[str, Any] = Field(default_factory=dict, examples=[
        {"regions": ["150627"], "age_months": [0, 12], "language": "zh"}])
    scheduled_at: Annotated[datetime | None, AfterValidator(_sane_moment)] = Field(
        None, description=f"send time; without a zone, Asia/Shanghai; {DATE_RANGE}")


class ShareLinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["community", "centre", "campaign"]
    target: str = Field(min_length=1, max_length=120, pattern=SINGLE_LINE,
                        description="county code or place, centre id, or a page of this site for a campaign")
    title: str | None = Field(None, max_length=120, pattern=SINGLE_LINE,
                              description="shown as the page title: one line, no control characters")


BroadcastId = Annotated[str, PathParam(pattern=r"^[0-9A-Za-z-]{1,36}$", description="the broadcast's id")]


def _broadcasts(services: ServicesDep) -> Broadcasts:
    return Broadcasts(services.engine)


BroadcastsDep = Annotated[Broadcasts, Depends(_broadcasts)]


def _segment(data: dict[str, Any]) -> Segment:
    try:
        return Segment.from_json(data)
    except SegmentError as exc:
        raise HTTPException(422, str(exc)) from None


def _report(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except UnknownBroadcast as exc:
        raise HTTPException(404, str(exc)) from None
    except BroadcastStateError as exc:
        raise HTTPException(409, str(exc)) from None
    except BroadcastError as exc:
        raise HTTPException(422, str(exc)) from None


# -- JSON API ----------------------------------------------------------------------------------------------


@router.get("/api/admin/me", responses=ERRORS, summary="Who this token belongs to")
def me(staff: AnyStaff) -> dict[str, str]:
    return {"name": staff.name, "role": staff.role.value}


@router.post("/api/admin/broadcasts/preview", responses=ERRORS, summary="How a broadcast reads, and to how many")
def preview_broadcast(body: BroadcastIn, staff: HealthStaff, broadcasts: BroadcastsDep) -> dict[str, Any]:
    return dict(_report(broadcasts.preview, body.text, _segment(body.segment)).as_json())


@router.post("/api/admin/broadcasts", status_code=201, responses=ERRORS, summary="Create a draft broadcast")
def create_broadcast(body: BroadcastIn, staff: HealthStaff, broadcasts: BroadcastsDep) -> dict[str, Any]:
    scheduled = body.scheduled_at
    if scheduled is not None and scheduled.tzinfo is None:
        scheduled = scheduled.replace(tzinfo=SHANGHAI)
    broadcast_id = _report(broadcasts.create, body.text, _segment(body.segment), staff.name, scheduled)
    report = broadcasts.report(broadcast_id)
    audit(broadcasts.engine, staff.name, "broadcast.create", broadcast_id,
          {"segment": report.segment, "recipients": report.recipients})
    return {"id": report.id, "status": report.status, "recipients": report.recipients}


@router.get("/api/admin/broadcasts", responses=ERRORS, summary="Recent broadcasts with their reports")
def list_broadcasts(staff: HealthStaff, broadcasts: BroadcastsDep) -> dict[str, Any]:
    return {"broadcasts": [r.as_json() for r in broadcasts.list()]}


@router.get("/api/admin/broadcasts/{broadcast_id}", responses=ERRORS, summary="A broadcast's report")
def get_broadcast(broadcast_id: BroadcastId, staff: HealthStaff, broadcasts: BroadcastsDep) -> dict[str, Any]:
    return dict(_report(broadcasts.report, broadcast_id).as_json())


@router.post("/api/admin/broadcasts/{broadcast_id}/send", status_code=202, responses=ERRORS,
             summary="Queue a draft for sending (now, or at its scheduled time)")
def send_broadcast(broadcast_id: BroadcastId, staff: HealthStaff, broadcasts: BroadcastsDep) -> dict[str, Any]:
    report = _report(broadcasts.send, broadcast_id)
    audit(broadcasts.engine, staff.name, "broadcast.send", broadcast_id, {"recipients": report.recipients})
    # The contract answers "queued" or "sending"; a broadcast with no one left to send to reports "done" on GET.
    status = "sending" if report.status == "sending" else "queued"
    return {"id": report.id, "status": status, "recipients": report.recipients}


@router.post("/api/admin/broadcasts/{broadcast_id}/cancel", responses=ERRORS, summary="Send nothing more")
def cancel_broadcast(broadcast_id: BroadcastId, staff: HealthStaff, broadcasts: BroadcastsDep) -> dict[str, Any]:
    report = _report(broadcasts.cancel, broadcast_id)
    audit(broadcasts.engine, staff.name, "broadcast.cancel", broadcast_id, {"sent": report.sent})
    return dict(report.as_json())


@router.post("/api/admin/registry/import", responses=ERRORS, summary="Upload a registry file (CSV or GeoJSON)")
def import_registry(
    services: ServicesDep,
    staff: RegistryAdmin,
    file: Annotated[UploadFile, File(description="CSV (contract columns) or GeoJSON FeatureCollection")],
    crs: Annotated[Crs, Form(description="coordinate system of the file")] = Crs.wgs84,
    dry_run: Annotated[bool, Form(description="check and report, store nothing")] = False,
) -> dict[str, Any]:
    suffix = Path(file.filename or "upload.csv").suffix.lower() or ".csv"
    with tempfile.TemporaryDirectory(prefix="carecircle-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(file.file.read())
        try:
            report = read_registry_file(path, crs)
        except UnusableFile as exc:
            raise HTTPException(422, f"{exc}；未导入任何数据 / nothing was imported") from None
    if not dry_run and report.accepted:
        services.registry.save(report.accepted)
    result = {**report.as_json(), "dry_run": dry_run}
    if not dry_run:
        audit(services.engine, staff.name, "registry.import", file.filename,
              {"accepted": len(report.accepted), "rejected": len(report.rejected)})
    return result


@router.post("/api/admin/share-links", status_code=201, responses=ERRORS, summary="Create a share link")
def create_share_link(body: ShareLinkIn, staff: CommunityWorker, services: ServicesDep) -> Any:
    try:
        link = create_link(services.engine, body.kind, body.target, staff.name, body.title)
    except ShareLinkError as exc:
        return JSONResponse(status_code=422, content={"error": str(exc), "detail": [{"field": exc.field}]})
    with services.engine.begin() as conn:
        write_audit(conn, staff.name, "share_link.create", link.code, {"kind": link.kind.value, "target": link.target})
    return _link_json(services.settings.public_url, link)


@router.get("/api/admin/share-links", responses=ERRORS, summary="Share links and how far they reached")
def list_share_links(staff: CommunityWorker, services: ServicesDep) -> dict[str, Any]:
    return {"links": [_link_json(services.settings.public_url, link) for link in list_links(services.engine)]}


@router.get("/api/admin/audit", responses=ERRORS, summary="The audit log of admin changes, newest first")
def audit_entries(staff: AnyStaff, services: ServicesDep,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    return {"entries": read_audit(services.engine, limit)}


def read_audit(engine: Engine, limit: int) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)).all()
    return [{"at": as_utc(r.at).isoformat(), "actor": r.actor, "action": r.action, "target": r.target,
             "detail": r.detail} for r in rows]


def _link_json(public_url: str | None, link: ShareLink) -> dict[str, Any]:
    return {"code": link.code, "kind": link.kind.value, "target": link.target, "title": link.title,
            "url": (public_url.rstrip("/") + link.path) if public_url else link.path,
            "opened": link.opened, "bot_started": link.bot_started}



# -- pages -------------------------------------------------------------------------------------------------

PAGES = {
    "index": "工作人员入口 Staff sign-in",
    "broadcasts": "群发消息 Broadcasts",
    "registry": "机构名录导入 Registry upload",
    "links": "推广链接 Share links",
    "audit": "操作记录 Audit log",
}
# The pages load admin.css, admin.js and admin-<page>.js from /static: the CSP allows no inline script or style.
templates.env.globals["static"] = static_url


@router.get("/admin", response_class=HTMLResponse, include_in_schema=False)
@router.get("/admin/{page}", response_class=HTMLResponse, include_in_schema=False)
def admin_page(request: Request, page: str = "index") -> HTMLResponse:
    if page not in PAGES:
        raise HTTPException(404, "no such admin page")
    return templates.TemplateResponse(request, f"admin/{page}.html", {"page": page, "pages": PAGES})
