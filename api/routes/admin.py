"""The staff side: broadcasts, the registry (uploads, one centre at a time, reminders), complaint cases, share links
and the audit log (JSON API), and simple admin pages.

Every JSON route takes `Authorization: Bearer TOKEN` (see api.auth): 401 without a valid token, 403 with the
wrong role. Every change writes an audit_log row whose actor is the token's name. The pages are plain shells:
they keep the token in the browser's sessionStorage and call the JSON API, so access is checked in one place.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy import Engine, select

from api.auth import STAFF_ROLES, Role, Staff, audit, write_audit
from api.bounds import DATE_RANGE, SINGLE_LINE, CleanText, in_date_range
from api.deps import CentreId, ServicesDep
from api.errors import ApiError
from api.i18n import messages_for_js, msg
from api.schemas import (
    AdminCentreOut,
    AuditOut,
    BroadcastCreated,
    BroadcastOut,
    BroadcastsOut,
    CasesOut,
    CentreOut,
    CentresOut,
    ImportOut,
    PreviewOut,
    ReminderOut,
    ShareLinkOut,
    ShareLinksOut,
    StaffCaseWithNotes,
    StaffMe,
)
from api.sharelinks import ShareLink, ShareLinkError, create_link, list_links
from api.staff import require_role
from api.store import audit_log
from api.web import UPLOAD_FILE_MAX_BYTES, base_url, render, request_lang
from common import as_utc, china_today
from geodata.cases import CaseError, Cases, CaseStatus
from geodata.centre import Kind, Mode, Ownership, Status
from geodata.crs import Crs
from geodata.export import centre_properties, vacancies_json
from geodata.importer import EXCEL_SUFFIXES, UnusableFile
from geodata.store import centre_history
from geodata.upkeep import EditError, edit_centre, import_file, reminder
from messaging.outbox import (
    SHANGHAI,
    BroadcastError,
    Broadcasts,
    BroadcastStateError,
    Segment,
    SegmentError,
    UnknownBroadcast,
)

router = APIRouter(tags=["admin"])

HealthStaff = Annotated[Staff, Depends(require_role(Role.health_staff))]
RegistryAdmin = Annotated[Staff, Depends(require_role(Role.registry_admin))]
CommunityWorker = Annotated[Staff, Depends(require_role(Role.community_worker))]
AnyStaff = Annotated[Staff, Depends(require_role(*STAFF_ROLES))]
CaseStaff = Annotated[Staff, Depends(require_role(Role.health_staff, Role.registry_admin))]
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


@router.get("/api/admin/me", responses=ERRORS, summary="Who this token belongs to", response_model=StaffMe)
def me(staff: AnyStaff) -> dict[str, str]:
    return {"name": staff.name, "role": staff.role.value}


@router.post("/api/admin/broadcasts/preview", responses=ERRORS, summary="How a broadcast reads, and to how many",
             response_model=PreviewOut)
def preview_broadcast(body: BroadcastIn, staff: HealthStaff, broadcasts: BroadcastsDep) -> dict[str, Any]:
    return dict(_report(broadcasts.preview, body.text, _segment(body.segment)).as_json())


@router.post("/api/admin/broadcasts", status_code=201, responses=ERRORS, summary="Create a draft broadcast",
             response_model=BroadcastCreated)
def create_broadcast(body: BroadcastIn, staff: HealthStaff, broadcasts: BroadcastsDep) -> dict[str, Any]:
    scheduled = body.scheduled_at
    if scheduled is not None and scheduled.tzinfo is None:
        scheduled = scheduled.replace(tzinfo=SHANGHAI)
    broadcast_id = _report(broadcasts.create, body.text, _segment(body.segment), staff.name, scheduled)
    report = broadcasts.report(broadcast_id)
    audit(broadcasts.engine, staff.name, "broadcast.create", broadcast_id,
          {"segment": report.segment, "recipients": report.recipients})
    return {"id": report.id, "status": report.status, "recipients": report.recipients}


@router.get("/api/admin/broadcasts", responses=ERRORS, summary="Recent broadcasts with their reports",
            response_model=BroadcastsOut)
def list_broadcasts(staff: HealthStaff, broadcasts: BroadcastsDep) -> dict[str, Any]:
    return {"broadcasts": [r.as_json() for r in broadcasts.list()]}


@router.get("/api/admin/broadcasts/{broadcast_id}", responses=ERRORS, summary="A broadcast's report",
            response_model=BroadcastOut)
def get_broadcast(broadcast_id: BroadcastId, staff: HealthStaff, broadcasts: BroadcastsDep) -> dict[str, Any]:
    return dict(_report(broadcasts.report, broadcast_id).as_json())


@router.post("/api/admin/broadcasts/{broadcast_id}/send", status_code=202, responses=ERRORS,
             summary="Queue a draft for sending (now, or at its scheduled time)", response_model=BroadcastCreated)
def send_broadcast(broadcast_id: BroadcastId, staff: HealthStaff, broadcasts: BroadcastsDep) -> dict[str, Any]:
    report = _report(broadcasts.send, broadcast_id)
    audit(broadcasts.engine, staff.name, "broadcast.send", broadcast_id, {"recipients": report.recipients})
    # The contract answers "queued" or "sending"; a broadcast with no one left to send to reports "done" on GET.
    status = "sending" if report.status == "sending" else "queued"
    return {"id": report.id, "status": status, "recipients": report.recipients}


@router.post("/api/admin/broadcasts/{broadcast_id}/cancel", responses=ERRORS, summary="Send nothing more",
             response_model=BroadcastOut)
def cancel_broadcast(broadcast_id: BroadcastId, staff: HealthStaff, broadcasts: BroadcastsDep) -> dict[str, Any]:
    report = _report(broadcasts.cancel, broadcast_id)
    audit(broadcasts.engine, staff.name, "broadcast.cancel", broadcast_id, {"sent": report.sent})
    return dict(report.as_json())


@router.post("/api/admin/registry/import", responses=ERRORS,
             summary="Upload a registry file (CSV, Excel .xlsx or GeoJSON): {accepted, rejected, warnings}",
             response_model=ImportOut)
def import_registry(
    services: ServicesDep,
    staff: RegistryAdmin,
    file: Annotated[UploadFile, File(description="CSV or .xlsx (contract columns, English or Chinese headers), "
                                                 "or a GeoJSON FeatureCollection")],
    crs: Annotated[Crs, Form(description="coordinate system of the file")] = Crs.wgs84,
    dry_run: Annotated[bool, Form(description="check and report, store nothing")] = False,
) -> dict[str, Any]:
    suffix = Path(file.filename or "upload.csv").suffix.lower()
    suffix = suffix if suffix in {".csv", ".txt", ".tsv", ".geojson", ".json", *EXCEL_SUFFIXES} else ".csv"
    with tempfile.TemporaryDirectory(prefix="carecircle-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        size = 0
        with path.open("wb") as out:  # the limit counts the file itself, not the multipart framing around it
            while chunk := file.file.read(1 << 20):
                size += len(chunk)
                if size > UPLOAD_FILE_MAX_BYTES:
                    mb = UPLOAD_FILE_MAX_BYTES // 2**20
                    raise ApiError(413, f"文件超过 {mb} MB，未导入任何数据", f"the file is over {mb} MB; nothing was "
                                   "imported", code="too_large", field="file")
                out.write(chunk)
        try:
            report = import_file(services.registry, path, crs=crs, dry_run=dry_run, actor=staff.name,
                                 name=file.filename or path.name)
        except UnusableFile as exc:
            zh, _, en = str(exc).partition(" / ")
            zh_text, en_text = (msg("api.nothing_imported", problem=p) for p in (zh, en or zh))
            raise ApiError(422, zh_text.zh, en_text.en, code="unusable_file", field="file") from None
    return {**report.as_json(), "dry_run": dry_run}


# -- the registry, one centre at a time ---------------------------------------------------------------------


class CentreEdit(BaseModel):
    """Any centre fields (as in the import) and a reason, required when status, inclusive or open_to_public change."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=300)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    district_code: str | None = Field(None, pattern=r"^\d{6}$")
    kind: Kind | None = None
    inclusive: bool | None = None
    status: Status | None = None
    capacity: int | None = Field(None, ge=0, le=100_000)
    vacancies: int | None = Field(None, ge=0, le=100_000)
    enrolled: int | None = Field(None, ge=0, le=100_000)
    min_age_months: int | None = Field(None, ge=0, le=36)
    max_age_months: int | None = Field(None, ge=0, le=36)
    modes: list[Mode] | None = Field(None, max_length=4)
    phone: str | None = Field(None, max_length=64)
    hours: str | None = Field(None, max_length=120)
    fee_min: float | None = Field(None, ge=0, le=1_000_000)
    fee_max: float | None = Field(None, ge=0, le=1_000_000)
    filed_on: date | None = None
    inclusive_since: date | None = None
    inspected_on: date | None = None
    demo_level: Literal["national", "region", "city"] | None = None
    operator: str | None = Field(None, max_length=200)
    credit_code: str | None = Field(None, max_length=40)
    health_eval_passed: bool | None = None
    ownership: Ownership | None = None
    open_to_public: bool | None = None
    reason: str | None = Field(None, max_length=500, description="why (shown in the centre's public history)")


def edit_error(exc: EditError) -> ApiError:
    code = {403: "field_not_allowed", 404: "not_found"}.get(exc.status, "invalid")
    return ApiError(exc.status, exc.zh, exc.en, code=code, field=exc.field)


def _changes(body: BaseModel) -> dict[str, Any]:
    """The fields the body sets (null included: it clears an optional field), without the reason."""
    values = body.model_dump(exclude_unset=True)
    values.pop("reason", None)
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


@router.patch("/api/admin/centres/{centre_id}", responses=ERRORS,
              summary="Change one centre (reason required for status, inclusive and open_to_public)",
              response_model=CentreOut)
def patch_centre(centre_id: CentreId, body: CentreEdit, staff: RegistryAdmin, services: ServicesDep) -> dict[str, Any]:
    changes = _changes(body)
    if not changes:
        raise ApiError(422, "没有要修改的内容", "nothing to change", field="body")
    try:
        centre = edit_centre(services.registry, centre_id, changes, actor=staff.name, reason=body.reason)
    except EditError as exc:
        raise edit_error(exc) from None
    return centre_properties(centre)


@router.get("/api/admin/centres", responses=ERRORS, summary="Centres for staff: flags, stale vacancies, reminders",
            response_model=CentresOut)
def list_centres(
    staff: Annotated[Staff, Depends(require_role(Role.registry_admin, Role.health_staff))],
    services: ServicesDep,
    q: Annotated[str | None, Query(max_length=100, description="name or id")] = None,
    stale: Annotated[bool, Query(description="only centres whose vacancies are over 30 days old")] = False,
    flagged: Annotated[bool, Query(description="only centres with open serious complaint cases")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    registry = services.registry
    flags = Cases(services.engine).open_serious_by_centre()
    reminded = last_reminders(services.engine)
    today = china_today()
    items = registry.all()
    if q:
        wanted = {m.centre.id for m in registry.search(q, limit=limit)} | {c.id for c in items if c.id == q.strip()}
        items = [c for c in items if c.id in wanted]
    if stale:
        items = [c for c in items if not c.vacancies_fresh(today)]
    if flagged:
        items = [c for c in items if c.id in flags]
    items.sort(key=lambda c: (-flags.get(c.id, 0), c.id))
    return {"total": len(items), "centres": [
        {"id": c.id, "name": c.name, "district_code": c.district_code, "status": c.status.value,
         "inclusive": c.inclusive, "open_to_public": c.open_to_public, "offered": c.offered,
         **vacancies_json(c, today), "capacity": c.capacity, "open_serious_cases": flags.get(c.id, 0),
         "last_reminded": reminded.get(c.id), "is_sample": c.is_sample}
        for c in items[:limit]]}


def last_reminders(engine: Engine) -> dict[str, str]:
    from sqlalchemy import func

    with engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.target, func.max(audit_log.c.at)).where(
            audit_log.c.action == "centre.remind").group_by(audit_log.c.target)).all()
    return {target: as_utc(at).isoformat() for target, at in rows if target}


@router.get("/api/admin/centres/{centre_id}", responses=ERRORS,
            summary="One centre for staff: every field, its history and its complaint cases",
            response_model=AdminCentreOut)
def admin_centre(centre_id: CentreId, staff: Annotated[Staff, Depends(require_role(Role.registry_admin,
                                                                                  Role.health_staff))],
                 services: ServicesDep) -> dict[str, Any]:
    centre = services.registry.get(centre_id)
    if centre is None:
        raise ApiError(404, f"没有备案编号为“{centre_id}”的机构", f"no centre with id '{centre_id}'",
                       field="centre_id")
    cases = Cases(services.engine).find(centre_id=centre.id)
    return {**centre_properties(centre), "history": centre_history(services.engine, centre.id),
            "cases": [c.staff_json() for c in cases], "open_serious_cases": sum(c.serious and c.open for c in cases)}


@router.post("/api/admin/centres/{centre_id}/reminder", responses=ERRORS,
             summary="A reminder for a centre to update its vacancies: the message and link to send it",
             response_model=ReminderOut)
def remind_centre(centre_id: CentreId, request: Request,
                  staff: Annotated[Staff, Depends(require_role(Role.registry_admin, Role.health_staff))],
                  services: ServicesDep) -> dict[str, Any]:
    try:
        return reminder(services.registry, centre_id, actor=staff.name,
                        page_url=f"{base_url(request)}/centre?c={centre_id}")
    except EditError as exc:
        raise edit_error(exc) from None


# -- complaint cases ----------------------------------------------------------------------------------------


class CaseStep(BaseModel):
    """One staff step on a case: assign, note, move on, order 限期整改 by a date, or resolve with an outcome."""

    model_config = ConfigDict(extra="forbid")
    assignee: str | None = Field(None, max_length=80)
    note: str | None = Field(None, max_length=2000, description="internal note, never shown to the parent")
    status: CaseStatus | None = None
    rectify_by: date | None = Field(None, description="限期整改: the deadline; sets the status to rectifying")
    outcome: str | None = Field(None, max_length=500, description="the result, told to the parent")
    serious: bool | None = None


def case_error(exc: CaseError) -> ApiError:
    return ApiError(exc.status, exc.zh, exc.en, field=exc.field)


@router.get("/api/admin/cases", responses=ERRORS, summary="Complaint cases, serious and newest first",
            response_model=CasesOut)
def list_cases(
    staff: CaseStaff, services: ServicesDep,
    centre_id: Annotated[str | None, Query(max_length=64)] = None,
    status: CaseStatus | None = None,
    open_only: Annotated[bool, Query(alias="open")] = False,
) -> dict[str, Any]:
    register = Cases(services.engine)
    found = register.find(centre_id=centre_id, status=status.value if status else None, open_only=open_only)
    flags = register.open_serious_by_centre()
    names = {cid: (c.name if (c := services.registry.get(cid)) else cid) for cid in flags}
    return {"cases": [c.staff_json() for c in found],
            "flagged_centres": [{"centre_id": cid, "name": names[cid], "open_serious_cases": n}
                                for cid, n in sorted(flags.items(), key=lambda kv: -kv[1])]}


@router.get("/api/admin/cases/{number}", responses=ERRORS, summary="One case with its notes",
            response_model=StaffCaseWithNotes)
def get_case(number: str, staff: CaseStaff, services: ServicesDep) -> dict[str, Any]:
    register = Cases(services.engine)
    found = register.get(number)
    if found is None:
        raise ApiError(404, f"没有编号为 {number} 的案件", f"no case {number}", field="number")
    return {**found.staff_json(), "notes": register.notes(found.number)}


@router.patch("/api/admin/cases/{number}", responses=ERRORS, summary="Assign, note, rectify or resolve a case",
              response_model=StaffCaseWithNotes)
def patch_case(number: str, body: CaseStep, staff: CaseStaff, services: ServicesDep) -> dict[str, Any]:
    register = Cases(services.engine)
    try:
        updated = register.update(number, staff.name, assignee=body.assignee, note=body.note,
                                  status=body.status.value if body.status else None, rectify_by=body.rectify_by,
                                  outcome=body.outcome, serious=body.serious)
    except CaseError as exc:
        raise case_error(exc) from None
    if body.rectify_by is not None and updated.centre_id:
        services.registry.changed()  # the centre's public history has a new line
    return {**updated.staff_json(), "notes": register.notes(updated.number)}


@router.post("/api/admin/share-links", status_code=201, responses=ERRORS, summary="Create a share link",
             response_model=ShareLinkOut)
def create_share_link(body: ShareLinkIn, staff: CommunityWorker, services: ServicesDep) -> Any:
    try:
        link = create_link(services.engine, body.kind, body.target, staff.name, body.title)
    except ShareLinkError as exc:
        zh, _, en = str(exc).partition(" / ")
        raise ApiError(422, zh, en or zh, field=exc.field) from None
    with services.engine.begin() as conn:
        write_audit(conn, staff.name, "share_link.create", link.code, {"kind": link.kind.value, "target": link.target})
    return _link_json(services.settings.public_url, link)


@router.get("/api/admin/share-links", responses=ERRORS, summary="Share links and how far they reached",
            response_model=ShareLinksOut)
def list_share_links(staff: CommunityWorker, services: ServicesDep) -> dict[str, Any]:
    return {"links": [_link_json(services.settings.public_url, link) for link in list_links(services.engine)]}


@router.get("/api/admin/audit", responses=ERRORS, summary="The audit log of admin changes, newest first",
            response_model=AuditOut)
def audit_entries(staff: AnyStaff, services: ServicesDep,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    return {"entries": read_audit(services.engine, limit)}


def read_audit(engine: Engine, limit: int) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)).all()
    return [{"at": as_utc(r.at).isoformat(), "actor": r.actor, "action": r.action, "target": r.target,
             "detail": r.detail} for r in rows]


def _link_json(public_url: str | None, link: ShareLink) -> dict[str, Any]:
    """A link as staff see it. `public_url_set` false: CARECIRCLE_PUBLIC_URL is unset, and its QR code and poster
    hold an address other people cannot open (the admin page warns before a poster is printed)."""
    return {"code": link.code, "kind": link.kind.value, "target": link.target, "title": link.title,
            "url": (public_url.rstrip("/") + link.path) if public_url else link.path,
            "opened": link.opened, "bot_started": link.bot_started, "public_url_set": bool(public_url)}



# -- pages -------------------------------------------------------------------------------------------------

# The admin pages, in menu order; their titles are admin.page.<page> in the message catalogue.
PAGES = ("index", "broadcasts", "registry", "cases", "links", "coverage", "audit")
# The pages load admin.css, admin.js and admin-<page>.js from /static: the CSP allows no inline script or style.
# Their scripts read their words from the page (data-messages): the catalogue's admin.js messages.


@router.get("/admin", response_class=HTMLResponse, include_in_schema=False)
@router.get("/admin/{page}", response_class=HTMLResponse, include_in_schema=False)
def admin_page(request: Request, services: ServicesDep, page: str = "index") -> HTMLResponse:
    if page not in PAGES:
        raise HTTPException(404, "no such admin page")
    context = {"page": page, "pages": PAGES, "js_messages": messages_for_js("admin.js", request_lang(request)),
               "public_url_set": bool(services.settings.public_url)}
    return render(request, f"admin/{page}.html", context)
