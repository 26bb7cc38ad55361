"""JSON API for the registry: nearest, search, detail and exports."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, FastAPI, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.routing import Route

from api.deps import CentreId, RegistryDep
from api.errors import ApiError
from api.i18n import msg
from api.schemas import CentreOut, GeoJsonOut, HistoryOut, HsdsOut, NearestOut, SearchOut
from api.web import FastJSONResponse, json_bytes
from geodata.centre import Kind, Mode
from geodata.export import centre_properties, nearest_json, to_geojson, to_hsds
from geodata.index import Filters
from geodata.registry import Registry
from geodata.store import centre_history

router = APIRouter(prefix="/api/centres", tags=["centres"])


class NearestQuery(BaseModel):
    """The nearest route's query parameters (validated by one pydantic model, not parameter by parameter)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    lat: Annotated[float, Field(ge=-90, le=90, description="latitude, WGS-84", examples=[39.6])]
    lon: Annotated[float, Field(ge=-180, le=180, description="longitude, WGS-84", examples=[109.76])]
    inclusive: Annotated[bool, Field(description="only inclusive (普惠) centres")] = False
    minutes: Annotated[int, Field(ge=1, le=60, description="walking minutes")] = 15
    limit: Annotated[int, Field(ge=1, le=100)] = 5
    kind: Annotated[list[Kind] | None, Field(description="only these kinds (repeatable)")] = None
    mode: Annotated[Mode | None, Field(description="only centres offering this service form")] = None
    age_months: Annotated[int | None, Field(ge=0, le=36, description="child's age in months")] = None
    vacancies: Annotated[bool, Field(description="only centres with free places")] = False


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The model's fields as OpenAPI query parameters, so /openapi.json documents the route as before."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    required = set(schema.get("required", ()))
    return [{"name": name, "in": "query", "required": name in required, "schema": prop,
             **({"description": prop["description"]} if "description" in prop else {})}
            for name, prop in schema["properties"].items()]


NEAREST_OPENAPI = {"parameters": _query_parameters(NearestQuery)}
_REPEATED = frozenset({"kind"})


def _query_items(query_string: bytes) -> list[tuple[str, str]]:
    """`a=1&b=2` as pairs, as Starlette's QueryParams reads them (blank values kept), without its overhead."""
    text = query_string.decode("latin-1")
    if "%" in text or "+" in text:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8")
    return [(key, value) for key, _, value in (part.partition("=") for part in text.split("&") if part)]


def read_nearest_query(request: Request) -> NearestQuery:
    """The query string, validated; a bad one raises FastAPI's own 422 (the same error shape as other routes)."""
    raw: dict[str, Any] = {}
    for key, value in _query_items(request.scope.get("query_string", b"")):
        if key in _REPEATED:
            raw.setdefault(key, []).append(value)
        else:
            raw[key] = value
    try:
        return NearestQuery.model_validate(raw)
    except ValidationError as exc:
        errors = [{**e, "loc": ("query", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None


async def answer_nearest(request: Request) -> Response:
    """Async, and answered from the in-memory snapshot: no thread hop, no store round trip (the registry's watcher
    keeps the snapshot current). Only a first build, or a walk along streets, goes to the threadpool."""
    query = read_nearest_query(request)
    registry: Registry = request.app.state.services.registry
    filters = Filters(inclusive=query.inclusive, kinds=frozenset(query.kind or ()), mode=query.mode,
                      age_months=query.age_months, with_vacancies=query.vacancies)
    if registry.needs_check() or not registry.answers_in_memory:
        matches = await run_in_threadpool(registry.within, query.lat, query.lon, query.minutes, filters, query.limit)
    else:
        matches = registry.within(query.lat, query.lon, query.minutes, filters, query.limit)
    return FastJSONResponse(nearest_json(query.lat, query.lon, query.minutes, matches))


@router.get("/nearest", summary="Active centres open to the public within a walk of a point, nearest first",
            openapi_extra=NEAREST_OPENAPI, response_class=FastJSONResponse,
            responses={200: {"model": NearestOut, "description": "nearest first"}})
async def nearest(request: Request) -> Response:
    return await answer_nearest(request)


def install_fast_routes(app: FastAPI) -> None:
    """Serve GET /api/centres/nearest from a plain Starlette route placed first, without FastAPI's per-request
    dependency machinery (a third of the request's time); the FastAPI route above documents it in /openapi.json,
    and errors still go through the app's handlers (the same 422)."""
    app.router.routes.insert(0, Route("/api/centres/nearest", answer_nearest, methods=["GET"],
                                      include_in_schema=False))


@router.get("/search", summary="Is this centre filed? Fuzzy search by name, every status shown with its meaning",
            response_model=SearchOut)
def search(
    registry: RegistryDep,
    q: Annotated[str, Query(min_length=1, max_length=100, description="name, or part of it", examples=["萌宝驿站"])],
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> dict[str, Any]:
    return {"query": q, "results": [{**centre_properties(m.centre), "score": m.score}
                                    for m in registry.search(q, limit)]}


# Exports are made once per registry version (the snapshot's memo), then served as the same bytes.
@router.get("/export.geojson", summary="The whole registry as GeoJSON", response_class=FastJSONResponse,
            responses={200: {"model": GeoJsonOut, "description": "a FeatureCollection"}})
def export_geojson(registry: RegistryDep) -> Response:
    body = registry.memo("export.geojson", lambda snapshot: json_bytes(to_geojson(snapshot.all())))
    return Response(body, media_type="application/json")


@router.get("/export.hsds.json", summary="The whole registry as Open Referral HSDS 3", response_class=FastJSONResponse,
            responses={200: {"model": HsdsOut, "description": "HSDS 3 services"}})
def export_hsds(registry: RegistryDep) -> Response:
    body = registry.memo("export.hsds", lambda snapshot: json_bytes(to_hsds(snapshot.all())))
    return Response(body, media_type="application/json")


def _known(registry: RegistryDep, centre_id: str) -> Any:
    centre = registry.get(centre_id)
    if centre is None:
        no_centre = msg("api.no_centre", id=centre_id)
        raise ApiError(404, no_centre.zh, no_centre.en, field="centre_id")
    return centre


@router.get("/{centre_id}", summary="One centre, with its status and what it means",
            responses={404: {"description": "unknown id"}}, response_model=CentreOut)
def detail(registry: RegistryDep, centre_id: CentreId) -> dict[str, Any]:
    return centre_properties(_known(registry, centre_id))


@router.get("/{centre_id}/history", summary="The centre's dated public history (信息公示), oldest first",
            responses={404: {"description": "unknown id"}}, response_model=HistoryOut)
def history(registry: RegistryDep, centre_id: CentreId) -> dict[str, Any]:
    centre = _known(registry, centre_id)
    return {"id": centre.id, "events": [{k: v for k, v in e.items() if k != "source"}
                                        for e in centre_history(registry.engine, centre.id)]}
