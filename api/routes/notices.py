"""Staff broadcasts as public pages (/notices/<id>): what a WeChat template message links to outside the 48-hour
window. A draft or a cancelled broadcast has no page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import ServicesDep
from api.i18n import msg
from api.web import not_found, render
from messaging.outbox import BroadcastError, Broadcasts

router = APIRouter(include_in_schema=False)


@router.get("/notices/{broadcast_id}", response_class=HTMLResponse)
def notice(request: Request, services: ServicesDep, broadcast_id: str) -> HTMLResponse:
    try:
        report = Broadcasts(services.engine).report(broadcast_id)
    except BroadcastError:
        report = None
    if report is None or report.status in ("draft", "cancelled"):
        return not_found(request, msg("notice.missing"))
    return render(request, "notice.html", {"notice": report})
