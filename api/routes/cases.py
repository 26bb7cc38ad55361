"""Complaints become cases: a parent files one with consent (web form, JSON, or the bot), gets a case number, and
can ask for its status. A child in danger still comes first: every form and answer leads with 110.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from api.deps import ServicesDep
from api.errors import ApiError
from api.schemas import CaseOut
from api.web import render
from geodata.cases import CASE_NUMBER, CASE_STATUS_LABELS, CATEGORY_LABELS, Case, CaseError, Cases, Category
from geodata.centre import Centre
from geodata.registry import Registry

router = APIRouter(tags=["cases"])
STRONG_MATCH = 85  # a name this close to a registry name is taken as that centre
MAX_FORM_TEXT = 2000


class CaseIn(BaseModel):
    centre_id: str | None = Field(None, max_length=64, description="the centre's filing number, if known")
    centre_name: str | None = Field(None, max_length=200, description="the centre's name as the parent knows it")
    what: str = Field(min_length=2, max_length=2000, description="what happened (no child's full name, please)")
    contact: str | None = Field(None, max_length=100, description="a phone or WeChat id, only if they want a call")
    consent: bool = Field(description="the parent agrees the case is kept and passed to the health commission")



def match_centre(registry: Registry, centre_id: str | None, name: str | None) -> Centre | None:
    """The registry's centre for an id, or for a name close enough to one (any status: a complaint about a
    suspended or revoked centre matters most)."""
    if centre_id:
        found = registry.get(centre_id.strip())
        if found:
            return found
    if name and name.strip():
        best = registry.search(name.strip(), limit=1)
        if best and best[0].score >= STRONG_MATCH:
            return best[0].centre
    return None


def file_case(services: Any, body: CaseIn, channel: str) -> Case:
    if not body.consent:
        raise ApiError(422, "登记投诉需要您的同意", "filing a case needs your consent", field="consent")
    centre = match_centre(services.registry, body.centre_id, body.centre_name)
    if centre is None and body.centre_id and not body.centre_name:
        raise ApiError(422, f"没有备案编号为“{body.centre_id}”的机构，请填写机构名称",
                       f"no centre with id '{body.centre_id}'; give its name", field="centre_id")
    try:
        return Cases(services.engine).file(what=body.what, channel=channel, centre=centre,
                                           centre_name=body.centre_name, contact=body.contact)
    except CaseError as exc:
        raise ApiError(exc.status, exc.zh, exc.en, field=exc.field) from None


@router.post("/api/cases", status_code=201, summary="File a complaint case (with consent); answers its number")
def create_case(body: CaseIn, services: ServicesDep) -> CaseOut:
    return CaseOut(**file_case(services, body, "web").public_json())


@router.get("/api/cases/{number}", summary="A case's status, by its number", responses={404: {"description": "none"}})
def case_status(number: str, services: ServicesDep) -> CaseOut:
    found = Cases(services.engine).status_for_parent(number, "web") if CASE_NUMBER.fullmatch(number.upper()) \
        else None
    if found is None:
        raise ApiError(404, f"没有编号为 {number} 的投诉案件", f"no case numbered {number}", field="number")
    return CaseOut(**found.public_json())


# -- pages ---------------------------------------------------------------------------------------------------


def _form_page(request: Request, registry: Registry, values: dict[str, str], errors: dict[str, tuple[str, str]],
               status_code: int = 200) -> HTMLResponse:
    centre = registry.get(values.get("centre_id", "")) if values.get("centre_id") else None
    return render(request, "cases.html", {"values": values, "errors": errors, "centre": centre,
                                          "sample": bool(centre and centre.is_sample)}, status_code=status_code)


@router.get("/cases", response_class=HTMLResponse, include_in_schema=False)
def cases_page(request: Request, services: ServicesDep) -> Response:
    """File a complaint (with consent), or look up a case by its number."""
    params = request.query_params
    number = params.get("number", "").strip().upper()[:20]
    if number:
        if CASE_NUMBER.fullmatch(number):
            return RedirectResponse(f"/cases/{quote(number)}", status_code=303)
        return _form_page(request, services.registry, {"number": number},
                          {"number": ("案件编号应形如 TS250614-7KQ2", "a case number looks like TS250614-7KQ2")}, 422)
    values = {"centre_id": params.get("centre", "")[:64]}
    return _form_page(request, services.registry, values, {})


@router.post("/cases", response_class=HTMLResponse, include_in_schema=False)
async def cases_file(request: Request, services: ServicesDep) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")).strip()[:MAX_FORM_TEXT] for k in ("centre_id", "centre_name", "what",
                                                                          "contact", "consent")}
    errors: dict[str, tuple[str, str]] = {}
    if values["consent"] != "yes":
        errors["consent"] = ("请勾选同意后再提交", "tick the consent box to file")
    if len(values["what"]) < 2:
        errors["what"] = ("请写一写发生了什么", "say what happened")
    if not (values["centre_id"] or values["centre_name"]):
        errors["centre_name"] = ("请填写机构名称", "give the centre's name")
    if len(values["contact"]) > 100:
        errors["contact"] = ("联系方式最多 100 个字", "at most 100 characters")
    if errors:
        return _form_page(request, services.registry, values, errors, 422)
    body = CaseIn(centre_id=values["centre_id"][:64] or None, centre_name=values["centre_name"][:200] or None,
                  what=values["what"], contact=values["contact"] or None, consent=True)
    try:
        filed = await run_in_threadpool(file_case, services, body, "web")
    except ApiError as exc:
        return _form_page(request, services.registry, values, {exc.field or "what": (exc.zh, exc.en)}, 422)
    return RedirectResponse(f"/cases/{quote(filed.number)}?filed=1", status_code=303)


@router.get("/cases/{number}", response_class=HTMLResponse, include_in_schema=False)
def case_page(request: Request, number: str, services: ServicesDep) -> HTMLResponse:
    number = number.strip().upper()
    found = Cases(services.engine).status_for_parent(number, "web") if re.fullmatch(CASE_NUMBER, number) else None
    if found is None:
        return _form_page(request, services.registry, {"number": number[:20]},
                          {"number": (f"没有编号为 {number[:20]} 的投诉案件", f"no case numbered {number[:20]}")}, 404)
    return render(request, "case.html", {"case": found, "filed": request.query_params.get("filed") == "1",
                                         "status_labels": CASE_STATUS_LABELS, "category_labels": CATEGORY_LABELS,
                                         "harm": found.category is Category.harm})
