"""In-memory spatial index of active centres: the 15-minute circle and its nearest centres."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from pyproj import Geod
from scipy.spatial import cKDTree

from geodata.centre import Centre, Kind, Mode, Status
from geodata.walk import WalkModel

GEOD = Geod(ellps="WGS84")
EARTH_RADIUS_M = 6_371_008.8
# The sphere under-estimates ellipsoidal distances by up to ~0.6%; search a little wider, then cut exactly.
SEARCH_MARGIN = 1.01


@dataclass(frozen=True)
class Filters:
    inclusive: bool = False
    kinds: frozenset[Kind] = frozenset()
    mode: Mode | None = None
    age_months: int | None = None
    with_vacancies: bool = False

    def accepts(self, centre: Centre) -> bool:
        return (
            (not self.inclusive or centre.inclusive)
            and (not self.kinds or centre.kind in self.kinds)
            and (self.mode is None or self.mode in centre.modes)
            and (self.age_months is None or centre.takes_age(self.age_months))
            and (not self.with_vacancies or (centre.vacancies or 0) > 0)
        )


@dataclass(frozen=True)
class Match:
    centre: Centre
    distance_m: float
    walk_minutes: float


class Walker(Protocol):
    """Turns straight-line distances into walking minutes (the model, or a street network)."""

    def search_radius_m(self, minutes: float) -> float: ...

    def walk_minutes(self, lat: float, lon: float, centres: Sequence[Centre], distances_m: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class StraightLineWalker:
    model: WalkModel

    def search_radius_m(self, minutes: float) -> float:
        return self.model.radius_m(minutes)

    def walk_minutes(self, lat: float, lon: float, centres: Sequence[Centre], distances_m: np.ndarray) -> np.ndarray:
        return distances_m * self.model.detour / self.model.metres_per_minute


def check_point(lat: float, lon: float) -> None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or lat != lat or lon != lon:
        raise ValueError(f"坐标 ({lat}, {lon}) 超出有效范围：纬度 -90~90，经度 -180~180 / "
                         f"point ({lat}, {lon}) is outside latitude -90..90, longitude -180..180")


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))


def geodesic_m(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Geodesic distances on the WGS-84 ellipsoid from one point to many (pyproj's Karney solver)."""
    n = len(lats)
    _, _, dist = GEOD.inv(np.full(n, lon), np.full(n, lat), lons, lats)
    return np.asarray(dist, dtype=float)


class CentreIndex:
    """Active centres in a k-d tree of unit vectors; exact geodesic distances on the candidates."""

    def __init__(self, items: Sequence[Centre], walker: Walker):
        self.centres = [c for c in items if c.status is Status.active]
        self.walker = walker
        self._lats = np.array([c.lat for c in self.centres], dtype=float)
        self._lons = np.array([c.lon for c in self.centres], dtype=float)
        self._tree = cKDTree(_unit_vectors(self._lats, self._lons)) if self.centres else None

    def __len__(self) -> int:
        return len(self.centres)

    def within(self, lat: float, lon: float, minutes: float, filters: Filters = Filters(),
               limit: int | None = None) -> list[Match]:
        """Centres whose estimated walk is at most `minutes`, nearest first."""
        check_point(lat, lon)
        if self._tree is None:
            return []
        radius = self.walker.search_radius_m(minutes) * SEARCH_MARGIN
        chord = 2 * np.sin(min(radius / EARTH_RADIUS_M, np.pi) / 2)
        hits = self._tree.query_ball_point(_unit_vectors(np.array([lat]), np.array([lon]))[0], chord)
        return self._rank(lat, lon, hits, filters, minutes, limit)

    def nearest(self, lat: float, lon: float, filters: Filters = Filters(), limit: int = 5) -> list[Match]:
        """The nearest centres whatever the walk (for "none in the circle, the nearest beyond it")."""
        check_point(lat, lon)
        if self._tree is None:
            return []
        k = min(len(self.centres), max(limit * 4, 16))
        point = _unit_vectors(np.array([lat]), np.array([lon]))[0]
        while True:
            _, idx = self._tree.query(point, k=k)
            hits = [int(i) for i in np.atleast_1d(idx)]
            found = self._rank(lat, lon, hits, filters, None, None)
            if len(found) >= limit or k == len(self.centres):
                return found[:limit]
            k = min(len(self.centres), k * 4)

    def _rank(self, lat: float, lon: float, hits: Sequence[int], filters: Filters, minutes: float | None,
              limit: int | None) -> list[Match]:
        chosen = [i for i in hits if filters.accepts(self.centres[i])]
        if not chosen:
            return []
        idx = np.array(chosen)
        dist = geodesic_m(lat, lon, self._lats[idx], self._lons[idx])
        picked = [self.centres[i] for i in chosen]
        walk = self.walker.walk_minutes(lat, lon, picked, dist)
        matches = [Match(c, float(d), float(w)) for c, d, w in zip(picked, dist, walk, strict=True)
                   if minutes is None or w <= minutes + 1e-9]
        matches.sort(key=lambda m: (m.walk_minutes, m.distance_m, m.centre.id))
        return matches[:limit] if limit else matches
