"""JSON API for the registry: nearest, search, detail and exports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from api.deps import RegistryDep
from api.errors import ApiError
from geodata.centre import Kind, Mode
from geodata.export import centre_properties, nearest_json, to_geojson, to_hsds
from geodata.index import Filters
from geodata.store import centre_history

router = APIRouter(prefix="/api/centres", tags=["centres"])


# Async: the in-memory index answers in microseconds, and a thread hop per request would halve throughput.
@router.get("/nearest", summary="Active centres open to the public within a walk of a point, nearest first")
async def nearest(
    registry: RegistryDep,
    lat: Annotated[float, Query(ge=-90, le=90, description="latitude, WGS-84", examples=[39.6])],
    lon: Annotated[float, Query(ge=-180, le=180, description="longitude, WGS-84", examples=[109.76])],
    inclusive: Annotated[bool, Query(description="only inclusive (普惠) centres")] = False,
    minutes: Annotated[int, Query(ge=1, le=60, description="walking minutes")] = 15,
    limit: Annotated[int, Query(ge=1, le=100)] = 5,
    kind: Annotated[list[Kind] | None, Query(description="only these kinds")] = None,
    mode: Annotated[Mode | None, Query(description="only centres offering this service form")] = None,
    age_months: Annotated[int | None, Query(ge=0, le=36, description="child's age in months")] = None,
    vacancies: Annotated[bool, Query(description="only centres with free places")] = False,
) -> dict[str, Any]:
    filters = Filters(inclusive=inclusive, kinds=frozenset(kind or ()), mode=mode, age_months=age_months,
                      with_vacancies=vacancies)
    if registry.needs_check() or not registry.answers_in_memory:
        # store round trips, rebuilds and street walks stay off the event loop
        matches = await run_in_threadpool(registry.within, lat, lon, minutes, filters, limit)
    else:
        matches = registry.within(lat, lon, minutes, filters, limit)
    return nearest_json(lat, lon, minutes, matches)


@router.get("/search", summary="Is this centre filed? Fuzzy search by name, every status shown with its meaning")
def search(
    registry: RegistryDep,
    q: Annotated[str, Query(min_length=1, max_length=100, description="name, or part of it", examples=["萌宝驿站"])],
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> dict[str, Any]:
    return {"query": q, "results": [{**centre_properties(m.centre), "score": m.score}
                                    for m in registry.search(q, limit)]}


@router.get("/export.geojson", summary="The whole registry as GeoJSON")
def export_geojson(registry: RegistryDep) -> dict[str, Any]:
    return to_geojson(sorted(registry.all(), key=lambda c: c.id))


@router.get("/export.hsds.json", summary="The whole registry as Open Referral HSDS 3")
def export_hsds(registry: RegistryDep) -> dict[str, Any]:
    return to_hsds(sorted(registry.all(), key=lambda c: c.id))


def _known(registry: RegistryDep, centre_id: str) -> Any:
    centre = registry.get(centre_id)
    if centre is None:
        raise ApiError(404, f"没有备案编号为“{centre_id}”的机构", f"no centre with id '{centre_id}'", field="centre_id")
    return centre


@router.get("/{centre_id}", summary="One centre, with its status and what it means",
            responses={404: {"description": "unknown id"}})
def detail(registry: RegistryDep, centre_id: str) -> dict[str, Any]:
    return centre_properties(_known(registry, centre_id))


@router.get("/{centre_id}/history", summary="The centre's dated public history (信息公示), oldest first",
            responses={404: {"description": "unknown id"}})
def history(registry: RegistryDep, centre_id: str) -> dict[str, Any]:
    centre = _known(registry, centre_id)
    return {"id": centre.id, "events": [{k: v for k, v in e.items() if k != "source"}
                                        for e in centre_history(registry.engine, centre.id)]}
