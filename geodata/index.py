"""In-memory spatial index of active centres: the 15-minute circle and its nearest centres.

Centres sit in a k-d tree of unit vectors (a sphere). A query takes the ball a little wider than the
walk could reach, filters the candidates on precomputed columns, then measures each survivor exactly:
geodesic distance on the WGS-84 ellipsoid (pyproj, Karney's solver), and walking minutes from the
walker (the straight-line model, or a street network, see geodata/streets.py). Results are exact:
the sphere only chooses candidates, never decides.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import numpy as np
from pyproj import Geod
from scipy.spatial import cKDTree
from shapely.geometry import MultiPolygon, Polygon

from geodata.centre import Centre, Kind, Mode, Status
from geodata.walk import WalkModel

GEOD = Geod(ellps="WGS84")
EARTH_RADIUS_M = 6_371_008.8
# The sphere and the ellipsoid disagree by under 0.6%; search 1% wider, then cut exactly.
SEARCH_MARGIN = 1.01
# A walk that equals the limit up to floating-point noise (a centre placed exactly 900 m away) is inside.
LIMIT_TOLERANCE = 1e-9
# Below this many candidates, scalar pyproj calls beat building numpy arrays.
SCALAR_BATCH = 24

KIND_CODES = {kind: code for code, kind in enumerate(Kind)}
MODE_BITS = {mode: 1 << bit for bit, mode in enumerate(Mode)}


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

    @property
    def is_empty(self) -> bool:
        return self == NO_FILTERS


NO_FILTERS = Filters()
_INCLUSIVE_ONLY = Filters(inclusive=True)  # the commonest filter gets a pure-Python fast path


@dataclass(frozen=True)
class Match:
    centre: Centre
    distance_m: float
    walk_minutes: float
    # True: measured along the loaded street network; False: the straight-line model's estimate.
    along_streets: bool = False


@dataclass(frozen=True)
class Walks:
    """A walker's answer for a list of centres, one entry each."""

    minutes: np.ndarray  # estimated minutes; inf where the walk is known to exceed the limit asked
    along_streets: np.ndarray  # bool: measured on streets (False: straight-line model)


class Walker(Protocol):
    """Turns a point and candidate centres into walking minutes (the model, or a street network)."""

    def search_radius_m(self, minutes: float) -> float:
        """Straight-line radius that surely holds every centre within `minutes` (an upper bound)."""
        ...

    def walks(self, lat: float, lon: float, centres: Sequence[Centre], distances_m: np.ndarray,
              max_minutes: float | None = None) -> Walks:
        """Minutes to each centre; `max_minutes` lets the walker stop looking further than that."""
        ...

    def isochrone(self, lat: float, lon: float, minutes: float) -> Polygon | MultiPolygon:
        """The area reached within `minutes`, in WGS-84 (x = lon, y = lat)."""
        ...


@dataclass(frozen=True)
class StraightLineWalker:
    """No street network: walk = geodesic distance × detour ÷ speed, and the circle is a geodesic circle."""

    model: WalkModel

    def search_radius_m(self, minutes: float) -> float:
        return self.model.radius_m(minutes)

    def walks(self, lat: float, lon: float, centres: Sequence[Centre], distances_m: np.ndarray,
              max_minutes: float | None = None) -> Walks:
        minutes = np.asarray(distances_m, dtype=float) * (self.model.detour / self.model.metres_per_minute)
        return Walks(minutes, np.zeros(len(minutes), dtype=bool))

    def isochrone(self, lat: float, lon: float, minutes: float) -> Polygon:
        return geodesic_circle(lat, lon, self.model.radius_m(minutes))


def check_point(lat: float, lon: float) -> None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also refuses NaN
        raise ValueError(f"坐标 ({lat}, {lon}) 超出有效范围：纬度 -90~90，经度 -180~180 / "
                         f"point ({lat}, {lon}) is outside latitude -90..90, longitude -180..180")


def _check_minutes(minutes: float) -> None:
    if not 0 < minutes < math.inf:
        raise ValueError(f"步行时间 {minutes} 分钟无效，应为正数 / minutes {minutes} must be a positive number")


def _check_limit(limit: int | None) -> None:
    if limit is not None and limit < 1:
        raise ValueError(f"结果数量 {limit} 无效，至少为 1 / limit {limit} must be at least 1")


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    phi, lam = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def chord_of(distance_m: float) -> float:
    """The straight 3-D chord, on the unit sphere, of an arc of `distance_m` metres."""
    return 2 * math.sin(min(distance_m / EARTH_RADIUS_M, math.pi) / 2)


def geodesic_m(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Geodesic distances on the WGS-84 ellipsoid from one point to many (pyproj's Karney solver)."""
    n = len(lats)
    _, _, dist = GEOD.inv(np.full(n, lon), np.full(n, lat), lons, lats)
    return np.asarray(dist, dtype=float)


def geodesic_circle(lat: float, lon: float, radius_m: float, vertices: int = 90) -> Polygon:
    """A polygon whose vertices lie exactly `radius_m` (geodesic) from the centre point."""
    azimuths = np.linspace(0.0, 360.0, vertices, endpoint=False)
    lons, lats, _ = GEOD.fwd(np.full(vertices, lon), np.full(vertices, lat), azimuths, np.full(vertices, radius_m))
    return Polygon(zip(lons, lats, strict=True))


class CentreIndex:
    """Active centres in a k-d tree of unit vectors; exact geodesic distances on the candidates."""

    def __init__(self, items: Sequence[Centre], walker: Walker, *, vacancies_since: date | None = None):
        """`vacancies_since`: a vacancy count last updated before this day may be stale, and does not count for
        the "with free places" filter."""
        self.centres = [c for c in items if c.status is Status.active]
        self.walker = walker
        centres = self.centres
        self._lats = np.fromiter((c.lat for c in centres), dtype=float, count=len(centres))
        self._lons = np.fromiter((c.lon for c in centres), dtype=float, count=len(centres))
        # Python lists for the scalar path: indexing a list is far cheaper than a numpy scalar.
        self._lat_list: list[float] = self._lats.tolist()
        self._lon_list: list[float] = self._lons.tolist()
        # Filter columns, so a query filters candidates without touching Centre objects.
        self._inclusive = np.fromiter((c.inclusive for c in centres), dtype=bool, count=len(centres))
        self._kind = np.fromiter((KIND_CODES[c.kind] for c in centres), dtype=np.int8, count=len(centres))
        self._modes = np.fromiter((sum(MODE_BITS[m] for m in c.modes) for c in centres), dtype=np.int8,
                                  count=len(centres))
        self._min_age = np.fromiter((c.min_age_months if c.min_age_months is not None else 0 for c in centres),
                                    dtype=np.int16, count=len(centres))
        self._max_age = np.fromiter((c.max_age_months if c.max_age_months is not None else 10_000
                                     for c in centres), dtype=np.int16, count=len(centres))
        self._vacant = np.fromiter(((c.vacancies or 0) > 0 and (vacancies_since is None or (
            c.vacancies_updated_on is not None and c.vacancies_updated_on >= vacancies_since)) for c in centres),
            dtype=bool, count=len(centres))
        self._inclusive_list: list[bool] = self._inclusive.tolist()
        self._ids = [c.id for c in centres]
        self._tree = cKDTree(unit_vectors(self._lats, self._lons)) if centres else None

    def __len__(self) -> int:
        return len(self.centres)

    def circle(self, lat: float, lon: float, minutes: float) -> Polygon | MultiPolygon:
        """The walking circle itself (a geodesic circle, or a street isochrone when streets are loaded)."""
        check_point(lat, lon)
        _check_minutes(minutes)
        return self.walker.isochrone(lat, lon, minutes)

    def within(self, lat: float, lon: float, minutes: float, filters: Filters = NO_FILTERS,
               limit: int | None = None) -> list[Match]:
        """Centres whose estimated walk is at most `minutes`, nearest first."""
        check_point(lat, lon)
        _check_minutes(minutes)
        _check_limit(limit)
        if self._tree is None:
            return []
        radius = self.walker.search_radius_m(minutes) * SEARCH_MARGIN
        hits = self._tree.query_ball_point(unit_vector(lat, lon), chord_of(radius))
        return self._rank(lat, lon, hits, filters, minutes, limit)

    def nearest(self, lat: float, lon: float, filters: Filters = NO_FILTERS, limit: int = 5) -> list[Match]:
        """The nearest centres whatever the walk (for "none in the circle, the nearest beyond it").

        Exact for the straight-line model. With streets, the candidates are the nearest in a straight line
        (every centre closer than the `limit`-th one), ranked by their walk.
        """
        check_point(lat, lon)
        _check_limit(limit)
        if self._tree is None:
            return []
        point = unit_vector(lat, lon)
        total = len(self.centres)
        k = min(total, max(limit * 4, 16))
        while True:
            _, idx = self._tree.query(point, k=k)
            chosen = self._accepted(np.atleast_1d(idx).tolist(), filters)
            if len(chosen) >= limit or k == total:
                break
            k = min(total, k * 4)
        if not chosen:
            return []
        # The sphere orders candidates only roughly: take everything up to the limit-th distance, widened.
        reach = sorted(self._distances(lat, lon, chosen))[min(limit, len(chosen)) - 1]
        hits = self._tree.query_ball_point(point, chord_of(reach * SEARCH_MARGIN + 1.0))
        return self._rank(lat, lon, hits, filters, None, limit)

    def _accepted(self, hits: list[int], filters: Filters) -> list[int]:
        """The candidates that pass the filters, read from the precomputed columns."""
        if not hits or filters.is_empty:
            return hits
        if filters == _INCLUSIVE_ONLY:
            flags = self._inclusive_list
            return [i for i in hits if flags[i]]
        idx = np.asarray(hits, dtype=np.intp)
        ok = np.ones(len(idx), dtype=bool)
        if filters.inclusive:
            ok &= self._inclusive[idx]
        if filters.kinds:
            ok &= np.isin(self._kind[idx], [KIND_CODES[k] for k in filters.kinds])
        if filters.mode is not None:
            ok &= (self._modes[idx] & MODE_BITS[filters.mode]) != 0
        if filters.age_months is not None:
            ok &= (self._min_age[idx] <= filters.age_months) & (filters.age_months <= self._max_age[idx])
        if filters.with_vacancies:
            ok &= self._vacant[idx]
        return idx[ok].tolist()

    def _distances(self, lat: float, lon: float, chosen: list[int]) -> list[float]:
        if len(chosen) <= SCALAR_BATCH:
            inv, lats, lons = GEOD.inv, self._lat_list, self._lon_list
            return [inv(lon, lat, lons[i], lats[i])[2] for i in chosen]
        return geodesic_m(lat, lon, self._lats[chosen], self._lons[chosen]).tolist()

    def _rank(self, lat: float, lon: float, hits: list[int], filters: Filters, minutes: float | None,
              limit: int | None) -> list[Match]:
        chosen = self._accepted(hits, filters)
        if not chosen:
            return []
        dist = self._distances(lat, lon, chosen)
        centres = self.centres
        walks = self.walker.walks(lat, lon, [centres[i] for i in chosen], np.asarray(dist), minutes)
        bound = math.inf if minutes is None else minutes * (1 + LIMIT_TOLERANCE)
        # Sort plain tuples (compared in C), then build Match objects only for those returned.
        ids = self._ids
        ranked = sorted((w, d, ids[i], i, s) for i, d, w, s in
                        zip(chosen, dist, walks.minutes.tolist(), walks.along_streets.tolist(), strict=True)
                        if w <= bound)
        return [Match(centres[i], d, w, s) for w, d, _, i, s in ranked[:limit]]


