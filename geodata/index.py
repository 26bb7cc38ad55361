"""In-memory spatial index of active centres: the 15-minute circle and its nearest centres.

Centres sit in a k-d tree of unit vectors (a sphere). A query takes the ball a little wider than the
walk could reach, filters the candidates on precomputed columns, then measures each survivor exactly:
geodesic distance on the WGS-84 ellipsoid (pyproj, Karney's solver), and walking minutes from the
walker (the straight-line model, or a street network, see geodata/streets.py). Results are exact:
the sphere only chooses candidates, never decides.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, Protocol, overload

import numpy as np
from pyproj import Geod
from scipy.spatial import cKDTree
from shapely.geometry import MultiPolygon, Polygon

from geodata.centre import Centre, Kind, Mode
from geodata.table import KIND_CODES, MODE_BITS, NONE_INT, CentreTable
from geodata.walk import WalkModel

GEOD = Geod(ellps="WGS84")
EARTH_RADIUS_M = 6_371_008.8
# The sphere and the ellipsoid disagree by under 0.6%; search 1% wider, then cut exactly.
SEARCH_MARGIN = 1.01
# A walk that equals the limit up to floating-point noise (a centre placed exactly 900 m away) is inside.
LIMIT_TOLERANCE = 1e-9
# Below this many candidates, scalar pyproj calls beat building numpy arrays.
SCALAR_BATCH = 24



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


class Located(Protocol):
    """Anything with a position: a Centre, or a bare Spot."""

    @property
    def lat(self) -> float: ...

    @property
    def lon(self) -> float: ...


class Spot(NamedTuple):
    lat: float
    lon: float


class Spots(Sequence[Spot]):
    """Candidates' positions for a walker, made into Spots only if the walker reads them (the model does not)."""

    __slots__ = ("lats", "lons")

    def __init__(self, lats: np.ndarray, lons: np.ndarray):
        self.lats, self.lons = lats, lons

    def __len__(self) -> int:
        return len(self.lats)

    @overload
    def __getitem__(self, i: int) -> Spot: ...

    @overload
    def __getitem__(self, i: slice) -> list[Spot]: ...

    def __getitem__(self, i: int | slice) -> Spot | list[Spot]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        return Spot(float(self.lats[i]), float(self.lons[i]))


class Match:
    """A centre found, with its straight-line distance and its walk (`along_streets`: measured on the loaded street
    network; False: the straight-line model's estimate).

    Made by the index with the centre's row only: the Centre object is made when `centre` is first read, so a query
    that returns forty centres and shows five makes five. `Match(centre, distance_m, walk_minutes)` works as before.
    """

    __slots__ = ("_centre", "_row", "_table", "along_streets", "distance_m", "walk_minutes")

    def __init__(self, centre: Centre | None, distance_m: float, walk_minutes: float, along_streets: bool = False,
                 *, table: CentreTable | None = None, row: int = -1):
        if centre is None and table is None:
            raise TypeError("a Match needs its centre, or the table and row it is in")
        self._centre = centre
        self._table = table
        self._row = row
        self.distance_m = distance_m
        self.walk_minutes = walk_minutes
        self.along_streets = along_streets

    @property
    def centre(self) -> Centre:
        if self._centre is None:
            assert self._table is not None
            self._centre = self._table.centre(self._row)
        return self._centre

    @property
    def row(self) -> int:
        """The centre's row in the index's table (-1 for a Match made from a Centre)."""
        return self._row

    @property
    def centre_id(self) -> str:
        """The centre's id, without making the Centre."""
        if self._centre is None and self._table is not None:
            return self._table.ids.text(self._row)
        return self.centre.id

    def _key(self) -> tuple[Any, ...]:
        return (self.centre, self.distance_m, self.walk_minutes, self.along_streets)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Match) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Match(centre={self.centre_id!r}, distance_m={self.distance_m!r}, "
                f"walk_minutes={self.walk_minutes!r}, along_streets={self.along_streets!r})")


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

    def walks(self, lat: float, lon: float, centres: Sequence[Located], distances_m: np.ndarray,
              max_minutes: float | None = None) -> Walks:
        """Minutes to each centre (anything with lat and lon); `max_minutes` lets the walker stop looking further."""
        ...

    def walks_to(self, lat: float, lon: float, lats: np.ndarray, lons: np.ndarray, distances_m: np.ndarray,
                 max_minutes: float | None = None) -> Walks:
        """The same as `walks`, to points (a residential area, a candidate site) instead of centres."""
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

    def walks(self, lat: float, lon: float, centres: Sequence[Located], distances_m: np.ndarray,
              max_minutes: float | None = None) -> Walks:
        minutes = np.asarray(distances_m, dtype=float) * (self.model.detour / self.model.metres_per_minute)
        return Walks(minutes, np.zeros(len(minutes), dtype=bool))

    def walks_to(self, lat: float, lon: float, lats: np.ndarray, lons: np.ndarray, distances_m: np.ndarray,
                 max_minutes: float | None = None) -> Walks:
        return self.walks(lat, lon, (), distances_m, max_minutes)

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
    """Active centres in a k-d tree of unit vectors; exact geodesic distances on the candidates.

    The centres are columns (geodata.table.CentreTable): a row index and a few arrays, no object per centre. A
    Match's `centre` is made for the centres returned only.
    """

    def __init__(self, items: Sequence[Centre] | CentreTable, walker: Walker, *, offered_only: bool = False,
                 vacancies_since: date | None = None):
        """`offered_only`: only the centres offered to parents (active and open to the public; see
        Centre.offered), not every active one. `vacancies_since`: a vacancy count last updated before this day
        may be stale, and does not count for the "with free places" filter."""
        table = items if isinstance(items, CentreTable) else CentreTable.from_centres(items)
        self.table = table
        self.walker = walker
        rows = table.offered_rows() if offered_only else table.active_rows()
        self._rows = rows  # tree position → table row (rows are in id order, so positions are too)
        self._lats = table.lat[rows]
        self._lons = table.lon[rows]
        # Filter columns, so a query filters candidates without touching any centre.
        self._inclusive = table.inclusive[rows]
        self._kind = table.kind[rows]
        self._modes = table.mode_bits[rows]
        min_age, max_age = table.min_age[rows], table.max_age[rows]
        self._min_age = np.where(min_age == NONE_INT, 0, min_age).astype(np.int16)
        self._max_age = np.where(max_age == NONE_INT, 10_000, max_age).astype(np.int16)
        self._vacant = table.vacancies[rows] > 0
        if vacancies_since is not None:  # a count not updated since then may be stale: no "free places"
            self._vacant &= table.vacancies_updated_on[rows] >= vacancies_since.toordinal()
        # Unbalanced, uncompacted: builds a million points in a fraction of the balanced time, queries as fast.
        self._tree = (cKDTree(unit_vectors(self._lats, self._lons), balanced_tree=False, compact_nodes=False)
                      if len(rows) else None)
        self._hidden: frozenset[int] = frozenset()

    def __len__(self) -> int:
        return len(self._rows) - len(self._hidden)

    def without(self, ids: Iterable[str]) -> CentreIndex:
        """The same index with these centres left out (a view: nothing is copied or rebuilt)."""
        hidden = set(self._hidden)
        for centre_id in ids:
            row = self.table.find(centre_id)
            if row is not None:
                at = int(np.searchsorted(self._rows, row))
                if at < len(self._rows) and self._rows[at] == row:
                    hidden.add(at)
        view = copy.copy(self)
        view._hidden = frozenset(hidden)
        return view

    @property
    def centres(self) -> list[Centre]:
        """The active centres, made on demand (a national registry is a million of them: avoid this)."""
        return [self.table.centre(int(r)) for i, r in enumerate(self._rows) if i not in self._hidden]

    @property
    def points(self) -> PointTree:
        """The centres as a PointTree (their k-d tree shared), for the batch searches below."""
        return PointTree(self._lats, self._lons, self._tree if self._tree is not None else cKDTree(np.empty((0, 3))))

    def reach(self, lats: np.ndarray, lons: np.ndarray, minutes: float,
              progress: Callable[[int], None] | None = None) -> Reach:
        """For many points at once (residential areas): every (point, centre) pair within the walk.

        The same model and limit as `within`, for each point; `Reach.target` indexes `self.centres`."""
        return reach(lats, lons, self.points, self.walker, minutes, progress)

    def nearest_m(self, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
        """Geodesic metres from each point to its nearest centre (inf with no centre)."""
        return nearest_m(self.points, lats, lons)

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
        total = len(self._rows)
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
        if self._hidden:
            hits = [i for i in hits if i not in self._hidden]
        if not hits or filters.is_empty:
            return hits
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
        lats, lons = self._lats[chosen], self._lons[chosen]
        if len(chosen) <= SCALAR_BATCH:
            inv = GEOD.inv
            return [inv(lon, lat, x, y)[2] for x, y in zip(lons.tolist(), lats.tolist(), strict=True)]
        return geodesic_m(lat, lon, lats, lons).tolist()

    def _rank(self, lat: float, lon: float, hits: list[int], filters: Filters, minutes: float | None,
              limit: int | None) -> list[Match]:
        chosen = self._accepted(hits, filters)
        if not chosen:
            return []
        dist = self._distances(lat, lon, chosen)
        walks = self.walker.walks(lat, lon, Spots(self._lats[chosen], self._lons[chosen]), np.asarray(dist), minutes)
        bound = math.inf if minutes is None else minutes * (1 + LIMIT_TOLERANCE)
        # Sort plain tuples (compared in C; the position breaks ties in id order), then make Match objects
        # only for those returned.
        ranked = sorted((w, d, i, s) for i, d, w, s in
                        zip(chosen, dist, walks.minutes.tolist(), walks.along_streets.tolist(), strict=True)
                        if w <= bound)
        kept = ranked[:limit]
        rows, table = self._rows[[i for _, _, i, _ in kept]].tolist(), self.table
        return [Match(None, d, w, s, table=table, row=row) for (w, d, _, s), row in zip(kept, rows, strict=True)]




# --- many origins at once: coverage of residential areas (geodata/coverage.py) ------------------------------

# Origins handled per pass of the pair search, so the candidate pairs of a province never sit in memory at once.
REACH_CHUNK = 25_000
# Candidates taken per point by the batch nearest search before it checks that none nearer was missed.
NEAREST_K = 8


@dataclass(frozen=True)
class Reach:
    """Every (origin, target) pair whose estimated walk is within the limit, as two parallel index arrays."""

    origin: np.ndarray  # intp, indices into the origins
    target: np.ndarray  # intp, indices into the targets

    def __len__(self) -> int:
        return len(self.origin)


def arc_m(chord: np.ndarray) -> np.ndarray:
    """The great-circle distance (metres, mean Earth radius) of a chord of the unit sphere."""
    return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(np.asarray(chord, dtype=float) / 2, 1.0))


def reach(origin_lats: np.ndarray, origin_lons: np.ndarray, targets: PointTree, walker: Walker, minutes: float,
          progress: Callable[[int], None] | None = None) -> Reach:
    """The pairs of origins and targets within `minutes` of walking (origin → target), by the walker's model.

    Candidates come from the k-d trees (a ball a little wider than the walk); the sphere only chooses them. With
    the straight-line model a pair whose spherical distance is 1% or more inside (outside) the circle is in (out)
    for certain, since the sphere and the ellipsoid disagree by under 0.6% (the index's SEARCH_MARGIN); only the
    pairs in that thin band are measured on the ellipsoid, as `within` measures them. With a street network every
    candidate is walked by the walker, as `nearest` walks it. `progress(n)` is told of each n origins done.
    """
    _check_minutes(minutes)
    origin_lats, origin_lons = np.asarray(origin_lats, dtype=float), np.asarray(origin_lons, dtype=float)
    found_origin: list[np.ndarray] = []
    found_target: list[np.ndarray] = []
    if len(origin_lats) and len(targets):
        radius = walker.search_radius_m(minutes) * SEARCH_MARGIN
        for start in range(0, len(origin_lats), REACH_CHUNK):
            lats, lons = origin_lats[start:start + REACH_CHUNK], origin_lons[start:start + REACH_CHUNK]
            chunk = cKDTree(unit_vectors(lats, lons))
            pairs = chunk.sparse_distance_matrix(targets.tree, chord_of(radius), output_type="ndarray")
            i, j = pairs["i"].astype(np.intp), pairs["j"].astype(np.intp)
            if isinstance(walker, StraightLineWalker):
                keep = _within_straight(lats, lons, targets, i, j, arc_m(pairs["v"]), walker.model.radius_m(minutes))
            else:
                keep = _within_walked(lats, lons, targets, i, j, walker, minutes)
            found_origin.append(i[keep] + start)
            found_target.append(j[keep])
            if progress:
                progress(len(lats))
    if not found_origin:
        return Reach(np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp))
    return Reach(np.concatenate(found_origin), np.concatenate(found_target))


def _within_straight(lats: np.ndarray, lons: np.ndarray, targets: PointTree, i: np.ndarray, j: np.ndarray,
                     sphere_m: np.ndarray, limit_m: float) -> np.ndarray:
    bound = limit_m * (1 + LIMIT_TOLERANCE)
    keep = sphere_m * SEARCH_MARGIN <= bound
    unsure = np.flatnonzero(~keep & (sphere_m < bound * SEARCH_MARGIN))
    if len(unsure):
        _, _, exact = GEOD.inv(lons[i[unsure]], lats[i[unsure]], targets.lons[j[unsure]], targets.lats[j[unsure]])
        keep[unsure] = np.asarray(exact, dtype=float) <= bound
    return keep


def _within_walked(lats: np.ndarray, lons: np.ndarray, targets: PointTree, i: np.ndarray, j: np.ndarray,
                   walker: Walker, minutes: float) -> np.ndarray:
    keep = np.zeros(len(i), dtype=bool)
    if not len(i):
        return keep
    _, _, dist = GEOD.inv(lons[i], lats[i], targets.lons[j], targets.lats[j])
    dist = np.asarray(dist, dtype=float)
    order = np.argsort(i, kind="stable")
    starts = np.flatnonzero(np.r_[True, i[order][1:] != i[order][:-1]])
    bound = minutes * (1 + LIMIT_TOLERANCE)
    for group in np.split(order, starts[1:]):
        o = int(i[group[0]])
        walks = walker.walks_to(float(lats[o]), float(lons[o]), targets.lats[j[group]], targets.lons[j[group]],
                                dist[group], minutes)
        keep[group] = walks.minutes <= bound
    return keep


@dataclass(frozen=True)
class PointTree:
    """Points (WGS-84) in a k-d tree of unit vectors: the targets of `reach` and `nearest_m`."""

    lats: np.ndarray
    lons: np.ndarray
    tree: cKDTree

    @classmethod
    def of(cls, lats: Sequence[float] | np.ndarray, lons: Sequence[float] | np.ndarray) -> PointTree:
        la, lo = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
        return cls(la, lo, cKDTree(unit_vectors(la, lo) if len(la) else np.empty((0, 3))))

    def __len__(self) -> int:
        return len(self.lats)


def nearest_m(targets: PointTree, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Geodesic metres from each point to its nearest target (inf when there is none), exactly.

    The k nearest by chord are candidates; only those whose spherical distance could beat the nearest one's (they
    differ from the ellipsoid's by under 1%) are measured on the ellipsoid. Where the k-th candidate is not surely
    beyond the best found, the ball around the point is measured whole."""
    lats, lons = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    n = len(lats)
    if not n or not len(targets):
        return np.full(n, math.inf)
    k = min(NEAREST_K, len(targets))
    chords, idx = targets.tree.query(unit_vectors(lats, lons), k=k)
    sphere = arc_m(chords.reshape(n, k))
    idx = idx.reshape(n, k)
    rows, cols = np.nonzero(sphere <= sphere[:, :1] * SEARCH_MARGIN ** 2 + 1e-6)
    _, _, dist = GEOD.inv(lons[rows], lats[rows], targets.lons[idx[rows, cols]], targets.lats[idx[rows, cols]])
    out = np.full(n, math.inf)
    np.minimum.at(out, rows, np.asarray(dist, dtype=float))
    doubtful = np.flatnonzero((k < len(targets)) & (sphere[:, -1] < out * SEARCH_MARGIN))
    for p in doubtful.tolist():
        hits = targets.tree.query_ball_point(unit_vector(lats[p], lons[p]), chord_of(out[p] * SEARCH_MARGIN + 1.0))
        out[p] = float(geodesic_m(float(lats[p]), float(lons[p]), targets.lats[hits], targets.lons[hits]).min())
    return out
