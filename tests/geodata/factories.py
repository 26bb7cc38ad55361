"""Small factories for registry tests: centres with sensible defaults, placed exactly where a test wants.

    from tests.geodata.factories import make_centre, centre_at, point_at

    home = (39.9042, 116.4074)
    near = centre_at(*home, bearing_deg=90, distance_m=600, inclusive=True)
    far = centre_at(*home, bearing_deg=0, distance_m=1500, kind=Kind.home)

Distances are geodesic (WGS-84, pyproj.Geod.fwd), so `distance_m` comes back from any exact geodesic
solver to within a micrometre.
"""

from __future__ import annotations

import itertools
from typing import Any

from pyproj import Geod

from geodata.centre import Centre, Kind, Mode, Status

GEOD = Geod(ellps="WGS84")
# 天安门 (Tian'anmen), Beijing: a default origin that is unmistakably in China.
BEIJING = (39.9042, 116.4074)

_serial = itertools.count(1)


def make_centre(**overrides: Any) -> Centre:
    """An active, inclusive, full-day nursery taking every age under three, with places free.

    Each call gets a fresh id (`T000001`, …) unless `id=` is given. Any Centre field can be overridden.
    """
    n = next(_serial)
    fields: dict[str, Any] = {
        "id": f"T{n:06d}",
        "name": f"测试托育园{n}号",
        "address": f"测试路{n}号",
        "lat": BEIJING[0],
        "lon": BEIJING[1],
        "district_code": "110101",
        "kind": Kind.centre,
        "inclusive": True,
        "status": Status.active,
        "capacity": 60,
        "vacancies": 5,
        "min_age_months": None,
        "max_age_months": None,
        "modes": (Mode.full_day,),
    }
    fields.update(overrides)
    return Centre(**fields)


def point_at(lat: float, lon: float, bearing_deg: float, distance_m: float) -> tuple[float, float]:
    """The point `distance_m` metres from (lat, lon) along the geodesic leaving at `bearing_deg` (0 = north)."""
    to_lon, to_lat, _ = GEOD.fwd(lon, lat, bearing_deg, distance_m)
    return float(to_lat), float(to_lon)


def centre_at(lat: float, lon: float, bearing_deg: float, distance_m: float, **overrides: Any) -> Centre:
    """A centre placed `distance_m` metres from (lat, lon) at `bearing_deg`; other fields as make_centre."""
    to_lat, to_lon = point_at(lat, lon, bearing_deg, distance_m)
    return make_centre(lat=to_lat, lon=to_lon, **overrides)


def ring_of_centres(lat: float, lon: float, distances_m: list[float], **overrides: Any) -> list[Centre]:
    """One centre per distance, spread round the compass (bearings 0°, 37°, 74°, …) so none coincide."""
    return [centre_at(lat, lon, (i * 37.0) % 360, d, **overrides) for i, d in enumerate(distances_m)]


def street_grid(lat: float, lon: float, size: int = 20, block_m: float = 100.0) -> Any:
    """A size × size grid of streets, `block_m` apart, centred on (lat, lon): a StreetNetwork."""
    import numpy as np

    from geodata.streets import StreetNetwork

    half = (size - 1) * block_m / 2
    south_west = point_at(*point_at(lat, lon, 180, half), 270, half)
    points = [point_at(*point_at(*south_west, 0, j * block_m), 90, i * block_m)
              for j in range(size) for i in range(size)]
    index = np.arange(size * size).reshape(size, size)
    edges = np.concatenate((np.column_stack((index[:, :-1].ravel(), index[:, 1:].ravel())),
                            np.column_stack((index[:-1, :].ravel(), index[1:, :].ravel()))))
    lats, lons = (np.array(column) for column in zip(*points, strict=True))
    return StreetNetwork(lats, lons, edges)
