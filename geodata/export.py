"""Registry exports: GeoJSON, and Open Referral HSDS 3 so registries can exchange data."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from geodata.centre import KIND_LABELS, MODE_LABELS, STAFF_ONLY, STATUS_LABELS, Centre, Status, status_meaning
from geodata.index import Match
from geodata.regions import china_today

HSDS_NAMESPACE = uuid.UUID("6f1c5a52-8d0e-4d5b-9a41-2f3c7a8b9e10")
PLACE_UNIT = {"id": str(uuid.uuid5(HSDS_NAMESPACE, "unit:place")), "name": "托位 (childcare place)",
              "scheme": "carecircle", "identifier": "tuowei"}
HSDS_STATUS = {Status.active: "active", Status.suspended: "temporarily closed", Status.closed: "defunct",
               Status.revoked: "defunct"}


def standing(centre: Centre) -> dict[str, Any]:
    """Whether parents are offered the centre, its status in words and what that means (every check shows it)."""
    label = STAFF_ONLY if centre.offered is False and centre.status is Status.active else STATUS_LABELS[centre.status]
    meaning = status_meaning(centre)
    return {"offered": centre.offered, "status_label": {"zh": label[0], "en": label[1]},
            "status_meaning": {"zh": meaning[0], "en": meaning[1]}}


def vacancies_json(centre: Centre, today: date | None = None) -> dict[str, Any]:
    """Every answer that shows vacancies shows when they were updated, and whether that is too long ago."""
    today = today or china_today()
    updated = centre.vacancies_updated_on
    return {"vacancies": centre.vacancies, "vacancies_updated_on": updated.isoformat() if updated else None,
            "vacancies_stale": centre.vacancies is not None and not centre.vacancies_fresh(today)}


def centre_properties(centre: Centre) -> dict[str, Any]:
    """The contract's columns (and the extra registry fields) as plain JSON values."""
    return {
        "id": centre.id, "name": centre.name, "address": centre.address, "lat": centre.lat, "lon": centre.lon,
        "district_code": centre.district_code, "kind": centre.kind.value, "inclusive": centre.inclusive,
        "status": centre.status.value, "capacity": centre.capacity, "vacancies": centre.vacancies,
        "min_age_months": centre.min_age_months, "max_age_months": centre.max_age_months,
        "modes": [m.value for m in centre.modes], "phone": centre.phone, "hours": centre.hours,
        "fee_min": centre.fee_min, "fee_max": centre.fee_max,
        "filed_on": centre.filed_on.isoformat() if centre.filed_on else None,
        "inclusive_since": centre.inclusive_since.isoformat() if centre.inclusive_since else None,
        "demo_level": centre.demo_level.value if centre.demo_level else None, "operator": centre.operator,
        "credit_code": centre.credit_code, "health_eval_passed": centre.health_eval_passed,
        "ownership": centre.ownership.value if centre.ownership else None, "open_to_public": centre.open_to_public,
        "enrolled": centre.enrolled, "inspected_on": centre.inspected_on.isoformat() if centre.inspected_on else None,
        **vacancies_json(centre), **standing(centre),
        "is_sample": centre.is_sample,
        "updated_at": centre.updated_at.isoformat() if centre.updated_at else None,
    }


def to_geojson(centres: Iterable[Centre]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
             "properties": {k: v for k, v in centre_properties(c).items() if k not in ("lat", "lon")}}
            for c in centres
        ],
    }


def _uid(kind: str, centre: Centre) -> str:
    return str(uuid.uuid5(HSDS_NAMESPACE, f"{kind}:{centre.id}"))


def to_hsds(centres: Iterable[Centre]) -> dict[str, Any]:
    """HSDS 3 services, each with its organization, location, schedule, phone and capacity in 托位."""
    now = datetime.now(UTC).isoformat()
    services = [_hsds_service(c, now) for c in centres]
    return {"hsds_version": "3.0", "generated": now, "total_items": len(services), "contents": services}


def _hsds_service(c: Centre, now: str) -> dict[str, Any]:
    service_id, location_id, org_id = _uid("service", c), _uid("location", c), _uid("organization", c)
    kind_zh, kind_en = KIND_LABELS[c.kind]
    modes = "、".join(MODE_LABELS[m][0] for m in c.modes)
    ages = f"{c.age_span} 个月"
    updated = c.updated_at.isoformat() if c.updated_at else now
    service: dict[str, Any] = {
        "id": service_id,
        "name": c.name,
        "alternate_name": kind_zh,
        "description": f"{kind_zh} ({kind_en})；{'普惠' if c.inclusive else '非普惠'}；{modes or '托育形式未登记'}",
        "status": HSDS_STATUS[c.status],
        "eligibility_description": f"收托月龄 {ages}",
        "fees_description": _fees(c),
        "licenses": f"卫生健康部门备案编号 {c.id}" + (f"，备案日期 {c.filed_on.isoformat()}" if c.filed_on else ""),
        "last_modified": updated,
        "organization": {
            "id": org_id, "name": c.operator or c.name,
            "description": STATUS_LABELS[c.status][0],
            "tax_id": c.credit_code,
            "identifiers": ([{"id": _uid("identifier", c), "identifier_scheme": "CN-USCC",
                              "identifier_type": "统一社会信用代码", "identifier": c.credit_code}]
                            if c.credit_code else []),
        },
        "phones": [{"id": _uid("phone", c), "number": c.phone, "type": "voice"}] if c.phone else [],
        "schedules": [{"id": _uid("schedule", c), "service_id": service_id, "description": c.hours}]
        if c.hours else [],
        "capacities": [],
        "service_at_locations": [{
            "id": _uid("service_at_location", c), "service_id": service_id, "location_id": location_id,
            "location": {
                "id": location_id, "location_type": "physical", "name": c.name,
                "latitude": c.lat, "longitude": c.lon,
                "external_identifier": c.district_code, "external_identifier_type": "CN-GB/T2260 行政区划代码",
                "addresses": [{"id": _uid("address", c), "address_1": c.address, "city": "",
                               "state_province": "", "postal_code": "", "country": "CN",
                               "address_type": "physical"}],
            },
        }],
    }
    if c.capacity is not None:
        service["capacities"].append({
            "id": _uid("capacity", c), "service_id": service_id, "unit": PLACE_UNIT,
            "available": c.vacancies, "maximum": c.capacity,
            "description": "托位：maximum 为核定托位数，available 为空余托位（null 表示未登记）",
            "updated": c.vacancies_updated_on.isoformat() if c.vacancies_updated_on else updated,
        })
    return service


def _fees(c: Centre) -> str | None:
    return f"每月 {c.fee_span} 元 (CNY per month)" if c.fee_span else None


def nearest_json(lat: float, lon: float, minutes: float, matches: Iterable[Match]) -> dict[str, Any]:
    """The contract's answer to "nearest centres", shared by the CLI and the API."""
    today = china_today()
    results = [
        {"id": m.centre.id, "name": m.centre.name, "address": m.centre.address, "lat": m.centre.lat,
         "lon": m.centre.lon, "kind": m.centre.kind.value, "inclusive": m.centre.inclusive,
         "distance_m": round(m.distance_m, 1), "walk_minutes": round(m.walk_minutes, 2),
         **vacancies_json(m.centre, today), "is_sample": m.centre.is_sample}
        for m in matches
    ]
    payload: dict[str, Any] = {"origin": {"lat": lat, "lon": lon}, "minutes": minutes, "results": results}
    if any(r["is_sample"] for r in results):
        payload["sample_data"] = True
    return payload
