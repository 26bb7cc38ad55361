"""The JSON API over ASGI: the same answers as the CLI, and 422/404 for bad requests."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

GOOD = Path(__file__).parents[1] / "data" / "registry_good.csv"


@pytest.mark.asyncio
async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.asyncio
async def test_nearest_inclusive(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/centres/nearest", params={"lat": 39.6, "lon": 109.76, "inclusive": "true"})
    assert response.status_code == 200
    body = response.json()
    assert [r["id"] for r in body["results"]] == ["T-001", "T-002"]
    assert body["minutes"] == 15


@pytest.mark.asyncio
async def test_nearest_filters_by_age_and_vacancies(client: httpx.AsyncClient) -> None:
    params = {"lat": 39.6, "lon": 109.76, "age_months": 3}
    assert [r["id"] for r in (await client.get("/api/centres/nearest", params=params)).json()["results"]] == ["T-003"]
    params = {"lat": 39.6, "lon": 109.76, "vacancies": "true", "mode": "full_day"}
    found = (await client.get("/api/centres/nearest", params=params)).json()["results"]
    assert [r["id"] for r in found] == ["T-001", "T-003"]


@pytest.mark.asyncio
@pytest.mark.parametrize("params", [
    {"lat": 91, "lon": 109}, {"lat": 39, "lon": 200}, {"lat": "x", "lon": 109}, {"lon": 109},
    {"lat": 39, "lon": 109, "minutes": 61}, {"lat": 39, "lon": 109, "limit": 0},
])
async def test_bad_parameters_get_422_with_the_field_named(client: httpx.AsyncClient, params: dict) -> None:
    response = await client.get("/api/centres/nearest", params=params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["field"] in {"lat", "lon", "minutes", "limit"}


@pytest.mark.asyncio
async def test_centre_detail_and_404(client: httpx.AsyncClient) -> None:
    found = await client.get("/api/centres/T-002")
    assert found.status_code == 200 and found.json()["kind"] == "community"
    assert (await client.get("/api/centres/NOPE")).status_code == 404


@pytest.mark.asyncio
async def test_search_and_exports(client: httpx.AsyncClient) -> None:
    search = (await client.get("/api/centres/search", params={"q": "萌宝驿站"})).json()
    assert search["results"][0]["id"] == "T-002"
    geojson = (await client.get("/api/centres/export.geojson")).json()
    assert [f["properties"]["id"] for f in geojson["features"]] == ["T-001", "T-002", "T-003", "T-004"]
    assert geojson["features"][0]["geometry"]["coordinates"] == [109.761, 39.601]
    hsds = (await client.get("/api/centres/export.hsds.json")).json()
    first = hsds["contents"][0]
    assert first["capacities"][0]["maximum"] == 60 and first["capacities"][0]["available"] == 6
    assert first["capacities"][0]["unit"]["name"].startswith("托位")
    location = first["service_at_locations"][0]["location"]
    assert (location["latitude"], location["longitude"]) == (39.601, 109.761)
    assert first["phones"][0]["number"] == "0477-0000001"
    assert first["schedules"][0]["description"] == "07:30-18:00"
    assert hsds["contents"][3]["status"] == "temporarily closed"


@pytest.mark.asyncio
async def test_openapi(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "/api/centres/nearest" in paths and "/healthz" in paths
