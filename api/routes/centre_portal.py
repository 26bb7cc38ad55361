"""Centres keep their own data: a centre operator's token (role `centre`, tied to its centres) updates vacancies,
fees, hours, phone, service forms and ages, from a phone page (/centre) or `PATCH /api/centre/{id}`.

Any other field, or another centre, gets 403. Every update is audited, and the vacancies given are dated today:
every answer that shows vacancies shows when they were updated.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from api.auth import Role, Staff
from api.deps import CentreId, ServicesDep
from api.errors import ApiError
from api.i18n import messages_for_js, msg
from api.routes.admin import edit_error
from api.schemas import CentreMeOut, CentreOut
from api.staff import require_role
from api.web import render, request_lang
from geodata.centre import Mode
from geodata.export import centre_properties
from geodata.upkeep import CENTRE_OWN_FIELDS, EditError, edit_centre

router = APIRouter(tags=["centre"])

CentreOperator = Annotated[Staff, Depends(require_role(Role.centre))]


def own_centre(centre_id: CentreId, operator: CentreOperator) -> Staff:
    """A centre token for this centre; checked before the body, so another centre is 403 whatever is sent."""
    if centre_id not in operator.centres:
        raise ApiError(403, "此令牌不能修改这家机构", "this token may not change this centre",
                       code="centre_not_allowed", field="centre_id")
    return operator


OwnCentre = Annotated[Staff, Depends(own_centre)]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no valid token"},
    403: {"description": "not a centre token, another centre, or a field a centre may not change"}}


class CentreUpdate(BaseModel):
    """What a centre may change itself. Any other field is refused with 403, not ignored."""

    model_config = ConfigDict(extra="allow")
    vacancies: int | None = Field(None, ge=0, le=100_000, description="free places now (dated today)")
    fee_min: float | None = Field(None, ge=0, le=1_000_000)
    fee_max: float | None = Field(None, ge=0, le=1_000_000)
    hours: str | None = Field(None, max_length=120)
    phone: str | None = Field(None, max_length=64)
    modes: list[Mode] | None = Field(None, max_length=4)
    min_age_months: int | None = Field(None, ge=0, le=36)
    max_age_months: int | None = Field(None, ge=0, le=36)


def own_view(centre: Any) -> dict[str, Any]:
    props = centre_properties(centre)
    return {key: props[key] for key in ("id", "name", "address", "status", "status_label", "offered", "capacity",
                                        "vacancies_updated_on", "vacancies_stale", "is_sample", *CENTRE_OWN_FIELDS)}


@router.get("/api/centre/me", responses=ERRORS, summary="The centres this centre token may update",
            response_model=CentreMeOut)
def me(operator: CentreOperator, services: ServicesDep) -> dict[str, Any]:
    centres = [c for c in (services.registry.get(cid) for cid in sorted(operator.centres)) if c is not None]
    return {"name": operator.name, "role": operator.role.value, "centres": [own_view(c) for c in centres],
            "fields": list(CENTRE_OWN_FIELDS)}


@router.patch("/api/centre/{centre_id}", responses=ERRORS,
              summary="A centre updates its own vacancies, fees, hours, phone, service forms and ages",
              response_model=CentreOut)
def update_own(centre_id: CentreId, operator: OwnCentre, body: CentreUpdate, services: ServicesDep) -> dict[str, Any]:
    extra = sorted(body.model_extra or {})
    if extra:
        raise ApiError(403, f"机构不能修改“{extra[0]}”，只能更新：{'、'.join(CENTRE_OWN_FIELDS)}",
                       f"a centre may not change {extra[0]}; only {', '.join(CENTRE_OWN_FIELDS)}",
                       code="field_not_allowed", field=extra[0])
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if k in CENTRE_OWN_FIELDS}
    if not changes:
        raise ApiError(422, "没有要更新的内容", "nothing to update", field="body")
    try:
        centre = edit_centre(services.registry, centre_id, changes, actor=operator.name, source="centre")
    except EditError as exc:
        raise edit_error(exc) from None
    return centre_properties(centre)


@router.get("/centre", response_class=HTMLResponse, include_in_schema=False)
def centre_page(request: Request) -> HTMLResponse:
    """The phone page where a centre keeps its vacancies current (a shell: the token stays in the browser)."""
    return render(request, "centre_portal.html", {
        "modes": [(m.value, msg(f"mode.{m.value}")) for m in Mode],
        "js_messages": messages_for_js("centre_portal_page.js", request_lang(request))})
