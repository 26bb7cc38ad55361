"""Coverage for health staff (role health_staff): the figures, the map and the downloads of a region.

The domain is geodata/planning.py and geodata/coverage.py; these routes only read parameters and present. The
page /admin/coverage is a shell like the other staff pages (api/routes/admin.py): it calls these routes with the
token kept in the tab.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from api.deps import ServicesDep
from api.routes.admin import ERRORS, HealthStaff
from api.schemas import CoverageOut, RegionsOut
from api.svgmap import coverage_map
from geodata.coverage import DEFAULT_GAPS, DEFAULT_SITES, Coverage
from geodata.coverage_report import file_name, to_csv, to_xlsx
from geodata.divisions import UnknownDivision

router = APIRouter(tags=["coverage"])

Region = Annotated[str, Query(min_length=1, max_length=60, description="county, prefecture-level city or province: "
                                                                       "6-digit code or name",
                              examples=["150627", "运城市"])]
Minutes = Annotated[int | None, Query(ge=1, le=60, description="walking minutes; default: the region's own circle "
                                                               "(伊金霍洛旗: 15), else 15")]
Sites = Annotated[int, Query(ge=0, le=200, description="suggest at most this many sites")]
Gaps = Annotated[int, Query(ge=0, le=100_000, description="list this many gaps, most populous first")]
Lang = Annotated[str, Query(pattern="^(zh|en)$", description="language of the map's words")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _coverage(services: ServicesDep, region: str, minutes: int | None, sites: int = DEFAULT_SITES) -> Coverage:
    planner = services.planner
    try:
        division = planner.resolve(region)
    except UnknownDivision as exc:
        raise HTTPException(422, f"region: {exc}") from None
    try:
        return planner.coverage(division, minutes, sites=sites)
    except ValueError as exc:
        raise HTTPException(422, f"minutes: {exc}") from None


@router.get("/api/admin/coverage", responses=ERRORS, summary="Coverage of a region against its targets",
            response_model=CoverageOut)
def coverage(staff: HealthStaff, services: ServicesDep, region: Region, minutes: Minutes = None,
             sites: Sites = DEFAULT_SITES, gaps: Gaps = DEFAULT_GAPS) -> dict[str, Any]:
    """The same JSON as `carecircle coverage --json` (CONTRACT, "Coverage for health staff")."""
    return _coverage(services, region, minutes, sites).as_json(gaps)


@router.get("/api/admin/coverage/regions", responses=ERRORS, summary="Regions with population data",
            response_model=RegionsOut)
def coverage_regions(staff: HealthStaff, services: ServicesDep) -> dict[str, Any]:
    return {"regions": services.planner.regions()}


def _file(media_type: str, what: str) -> dict[int | str, dict[str, Any]]:
    """A download's 200 in the OpenAPI document: its media type, beside the staff errors."""
    return {**ERRORS, 200: {"description": what, "content": {media_type: {"schema": {"type": "string"}}}}}


@router.get("/api/admin/coverage/map.svg", responses=_file("image/svg+xml", "the map"),
            summary="The region's coverage map (SVG, no tiles)",
            response_class=Response)
def coverage_svg(staff: HealthStaff, services: ServicesDep, region: Region, minutes: Minutes = None,
                 sites: Sites = DEFAULT_SITES, lang: Lang = "zh") -> Response:
    svg = coverage_map(_coverage(services, region, minutes, sites), lang=lang)
    return Response(svg, media_type="image/svg+xml; charset=utf-8", headers={"Cache-Control": "no-store"})


@router.get("/api/admin/coverage.xlsx", responses=_file(XLSX, "the report as a workbook"),
            summary="The report as an Excel workbook",
            response_class=Response)
def coverage_xlsx(staff: HealthStaff, services: ServicesDep, region: Region, minutes: Minutes = None,
                  sites: Sites = DEFAULT_SITES) -> Response:
    result = _coverage(services, region, minutes, sites)
    return _download(to_xlsx(result), XLSX, file_name(result, "xlsx"))


@router.get("/api/admin/coverage.csv", responses=_file("text/csv", "the report per town and county"),
            summary="The report per town and county as CSV",
            response_class=Response)
def coverage_csv(staff: HealthStaff, services: ServicesDep, region: Region, minutes: Minutes = None,
                 sites: Sites = DEFAULT_SITES) -> Response:
    result = _coverage(services, region, minutes, sites)
    return _download(to_csv(result), "text/csv; charset=utf-8", file_name(result, "csv"))


def _download(data: bytes, media_type: str, name: str) -> Response:
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
