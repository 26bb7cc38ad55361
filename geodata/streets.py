"""Walking along real streets: a street network from GeoJSON, walks along it, and its isochrone.

The file format (CARECIRCLE_STREETS_FILE)
-----------------------------------------
A GeoJSON FeatureCollection in WGS-84, coordinates in GeoJSON's [lon, lat] order:

    {"type": "FeatureCollection", "features": [
      {"type": "Feature", "properties": {"name": "人民路"},
       "geometry": {"type": "LineString", "coordinates": [[116.3900, 39.9000], [116.3950, 39.9000]]}},
      {"type": "Feature", "properties": {"name": "京藏高速", "walkable": false},
       "geometry": {"type": "MultiLineString", "coordinates": [[[116.38, 39.90], [116.40, 39.92]]]}}]}

- Each LineString (or each part of a MultiLineString) is a street a person can walk in both directions.
- `"walkable": false` in the properties leaves a line out (an expressway, a railway). Other properties
  are ignored. A third coordinate (height) is ignored.
- Streets connect only where they share a vertex: vertices less than 1 m apart are merged into one
  junction. Two lines that cross with no vertex at the crossing do NOT connect (a bridge over a road
  looks exactly like that), so put a vertex at every junction where people can turn. OSM extracts
  converted with ogr2ogr or osmnx already do.

The walk
--------
origin → straight access leg to the nearest point on a street (if within `max_access_m`) → shortest path
along the streets (Dijkstra with a cutoff, never all-pairs) → the centre's own access leg. Minutes are at
the model's speed with no detour factor: the streets are the detour. Where the origin or a centre is
farther than `max_access_m` from every street, that pair falls back to the straight-line model, and
`Walks.along_streets` (and so `Match.along_streets`) is False for it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import shapely
from pyproj import CRS, Transformer
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree
from shapely.geometry import MultiPolygon, Polygon

from geodata.index import (
    GEOD,
    SEARCH_MARGIN,
    Located,
    StraightLineWalker,
    Walks,
    chord_of,
    unit_vector,
    unit_vectors,
)
from geodata.walk import WalkModel

# Vertices closer than this are one junction.
JUNCTION_SNAP_M = 1.0
# Edges are indexed by points at most this far apart, so the nearest edge is found by a ball query.
SAMPLE_STEP_M = 25.0
# How far from a street a point may be and still walk on it (gates, courtyards, a residential compound).
DEFAULT_MAX_ACCESS_M = 300.0
# A walk with no end in sight is measured along streets up to this long; beyond, the straight-line model.
DEFAULT_MAX_WALK_MINUTES = 60.0
# Half-width of the isochrone around the streets reached: a building's door is usually within ~20 m of
# its street, so this is what "on a street you can reach" means on a map, without bridging blocks
# (city blocks in China are 100 m and more across) the way a wide buffer or a concave hull would.
STREET_REACH_M = 20.0

# WGS-84 ellipsoid, for metres per degree near a point.
_A = 6_378_137.0
_E2 = 0.006_694_379_990_14


class StreetNetworkError(ValueError):
    """The street file cannot be used; the message names the feature and the problem."""


@dataclass(frozen=True)
class Snap:
    """Where a point joins the network: a spot on edge (u, v), u < v."""

    u: int
    v: int
    along_m: float  # from u to the spot, along the edge
    length_m: float  # the whole edge
    access_m: float  # straight line from the point to the spot
    lat: float
    lon: float

    @property
    def to_v_m(self) -> float:
        return self.length_m - self.along_m


class StreetNetwork:
    """An undirected graph of walkable streets; nodes are junctions and vertices, edges carry `length` in m."""

    def __init__(self, node_lats: np.ndarray, node_lons: np.ndarray, edges: np.ndarray):
        """`edges` is an (E, 2) array of node pairs; lengths are measured here (geodesic)."""
        self.node_lats = np.asarray(node_lats, dtype=float)
        self.node_lons = np.asarray(node_lons, dtype=float)
        edges = np.unique(np.sort(np.asarray(edges, dtype=np.intp).reshape(-1, 2), axis=1), axis=0)
        edges = edges[edges[:, 0] != edges[:, 1]]
        if len(edges) == 0:
            raise StreetNetworkError("街道网络中没有可步行的线段 / the street network has no walkable segment")
        self.edge_u, self.edge_v = edges[:, 0], edges[:, 1]
        _, _, lengths = GEOD.inv(self.node_lons[self.edge_u], self.node_lats[self.edge_u],
                                 self.node_lons[self.edge_v], self.node_lats[self.edge_v])
        self.edge_length = np.asarray(lengths, dtype=float)
        self.graph = nx.Graph()
        self.graph.add_weighted_edges_from(
            zip(self.edge_u.tolist(), self.edge_v.tolist(), self.edge_length.tolist(), strict=True),
            weight="length")
        self._build_edge_index()

    @classmethod
    def from_geojson(cls, source: str | Path | Mapping[str, Any]) -> StreetNetwork:
        """Reads a FeatureCollection of LineString/MultiLineString streets (see the module's docstring)."""
        data = _read(source) if isinstance(source, str | Path) else source
        lines = _walkable_lines(data)
        counts = [len(line) for line in lines]
        coords = np.array([point for line in lines for point in line], dtype=float)
        lats, lons = coords[:, 1], coords[:, 0]
        # Merge vertices within JUNCTION_SNAP_M of each other: they are one junction.
        tree = cKDTree(unit_vectors(lats, lons))
        pairs = tree.query_pairs(chord_of(JUNCTION_SNAP_M), output_type="ndarray")
        n = len(coords)
        adjacency = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
        _, label = connected_components(adjacency, directed=False)
        _, first = np.unique(label, return_index=True)
        # Consecutive vertices of the same line make an edge; the line boundaries are skipped.
        starts = np.cumsum([0, *counts[:-1]])
        within_line = np.ones(n - 1, dtype=bool)
        within_line[(starts + np.array(counts) - 1)[:-1]] = False
        edges = np.column_stack((label[:-1], label[1:]))[within_line]
        return cls(lats[first], lons[first], edges)

    def __len__(self) -> int:
        return self.graph.number_of_nodes()

    def _build_edge_index(self) -> None:
        pieces = np.maximum(1, np.ceil(self.edge_length / SAMPLE_STEP_M).astype(int))
        edge_of_sample = np.repeat(np.arange(len(pieces)), pieces + 1)
        offsets = np.cumsum(np.concatenate(([0], pieces[:-1] + 1)))
        fraction = (np.arange(len(edge_of_sample)) - np.repeat(offsets, pieces + 1)) / np.repeat(pieces, pieces + 1)
        u, v = self.edge_u[edge_of_sample], self.edge_v[edge_of_sample]
        lats = self.node_lats[u] + fraction * (self.node_lats[v] - self.node_lats[u])
        lons = self.node_lons[u] + fraction * (self.node_lons[v] - self.node_lons[u])
        self._sample_edge = edge_of_sample
        self._sample_tree = cKDTree(unit_vectors(lats, lons))

    def snap(self, lat: float, lon: float, max_access_m: float) -> Snap | None:
        """The nearest spot on any street, if it is within `max_access_m` of the point."""
        reach = (max_access_m + SAMPLE_STEP_M / 2) * SEARCH_MARGIN
        near = self._sample_tree.query_ball_point(unit_vector(lat, lon), chord_of(reach))
        if not near:
            return None
        edges = np.unique(self._sample_edge[near])
        u, v = self.edge_u[edges], self.edge_v[edges]
        # Nearest point on each candidate segment, in a local plane (metres) around the point.
        kx, ky = _metres_per_degree(lat)
        ax, ay = (self.node_lons[u] - lon) * kx, (self.node_lats[u] - lat) * ky
        dx, dy = (self.node_lons[v] - lon) * kx - ax, (self.node_lats[v] - lat) * ky - ay
        t = np.clip(-(ax * dx + ay * dy) / (dx * dx + dy * dy), 0.0, 1.0)
        best = int(np.argmin((ax + t * dx) ** 2 + (ay + t * dy) ** 2))
        e, fraction = int(edges[best]), float(t[best])
        ue, ve = int(self.edge_u[e]), int(self.edge_v[e])
        spot_lat = float(self.node_lats[ue] + fraction * (self.node_lats[ve] - self.node_lats[ue]))
        spot_lon = float(self.node_lons[ue] + fraction * (self.node_lons[ve] - self.node_lons[ue]))
        access = float(GEOD.inv(lon, lat, spot_lon, spot_lat)[2])
        if access > max_access_m:
            return None
        length = float(self.edge_length[e])
        return Snap(ue, ve, fraction * length, length, access, spot_lat, spot_lon)

    def distances_from(self, snap: Snap, budget_m: float) -> dict[int, float]:
        """Walking metres (access leg included) to every junction reachable within `budget_m`."""
        reached: dict[int, float] = {}
        for node, lead in ((snap.u, snap.access_m + snap.along_m), (snap.v, snap.access_m + snap.to_v_m)):
            if lead > budget_m:
                continue
            paths = nx.single_source_dijkstra_path_length(self.graph, node, cutoff=budget_m - lead, weight="length")
            for other, metres in paths.items():
                total = lead + metres
                if total < reached.get(other, math.inf):
                    reached[other] = total
        return reached


class NetworkWalker:
    """The Walker for a loaded street network (see the module's docstring for the walk it measures)."""

    def __init__(self, network: StreetNetwork, model: WalkModel, max_access_m: float = DEFAULT_MAX_ACCESS_M,
                 max_walk_minutes: float = DEFAULT_MAX_WALK_MINUTES):
        self.network = network
        self.model = model
        self.max_access_m = max_access_m
        self.max_walk_minutes = max_walk_minutes
        self._straight = StraightLineWalker(model)
        self._snaps: dict[tuple[float, float], Snap | None] = {}  # centres do not move between rebuilds

    def search_radius_m(self, minutes: float) -> float:
        # A walk along streets is never shorter than the straight line, and the fallback's radius is smaller.
        return minutes * self.model.metres_per_minute

    def walks(self, lat: float, lon: float, centres: Sequence[Located], distances_m: np.ndarray,
              max_minutes: float | None = None) -> Walks:
        estimate = self._straight.walks(lat, lon, centres, distances_m)
        minutes, along = estimate.minutes.copy(), estimate.along_streets.copy()
        origin = self.network.snap(lat, lon, self.max_access_m)
        if origin is None or not centres:
            return Walks(minutes, along)
        limit = max_minutes if max_minutes is not None else self.max_walk_minutes
        reached = self.network.distances_from(origin, limit * self.model.metres_per_minute)
        for i, centre in enumerate(centres):
            target = self._snap_centre(centre.lat, centre.lon)
            if target is None:
                continue  # off the streets: the straight-line estimate stands
            metres = _walk_m(origin, target, reached)
            if metres < math.inf:
                minutes[i], along[i] = self.model.walk_minutes_along(metres), True
            elif max_minutes is not None:
                minutes[i], along[i] = math.inf, True  # on the streets, but not within the limit
        return Walks(minutes, along)

    def walk_to(self, lat: float, lon: float, to_lat: float, to_lon: float) -> tuple[float, bool]:
        """Minutes from one point to another, and whether they were measured along streets."""
        origin = self.network.snap(lat, lon, self.max_access_m)
        target = self.network.snap(to_lat, to_lon, self.max_access_m)
        if origin is not None and target is not None:
            reached = self.network.distances_from(origin, self.max_walk_minutes * self.model.metres_per_minute)
            metres = _walk_m(origin, target, reached)
            if metres < math.inf:
                return self.model.walk_minutes_along(metres), True
        return self.model.minutes(float(GEOD.inv(lon, lat, to_lon, to_lat)[2])), False

    def isochrone(self, lat: float, lon: float, minutes: float,
                  width_m: float = STREET_REACH_M) -> Polygon | MultiPolygon:
        """The streets reached within `minutes` (edges cut where the time runs out), `width_m` either side.

        Drawn in an azimuthal equidistant projection centred on the point (metres, exact from the centre),
        buffered there, and returned in WGS-84 (x = lon, y = lat). Off the network: the model's circle.
        """
        origin = self.network.snap(lat, lon, self.max_access_m)
        if origin is None:
            return self._straight.isochrone(lat, lon, minutes)
        budget = minutes * self.model.metres_per_minute
        net = self.network
        starts: list[tuple[float, float]] = []  # (lon, lat) of each piece's start
        ends: list[tuple[float, float]] = []  # (lon, lat) of the end of the whole segment it runs along
        fractions: list[float] = []  # how much of that segment the piece covers

        def piece(a: tuple[float, float], b: tuple[float, float], length: float, metres: float) -> None:
            if metres > 0 and length > 0:
                starts.append(a)
                ends.append(b)
                fractions.append(min(1.0, metres / length))

        spot = (origin.lon, origin.lat)
        piece((lon, lat), spot, origin.access_m, budget)
        left = budget - origin.access_m
        node = lambda n: (float(net.node_lons[n]), float(net.node_lats[n]))  # noqa: E731
        piece(spot, node(origin.u), origin.along_m, left)
        piece(spot, node(origin.v), origin.to_v_m, left)
        reached = net.distances_from(origin, budget)
        seen: set[tuple[int, int]] = set()
        for a in reached:
            for b, data in net.graph[a].items():
                key = (min(a, b), max(a, b))
                if key in seen:
                    continue
                seen.add(key)
                length = data["length"]
                rest_a, rest_b = budget - reached[a], budget - reached.get(b, math.inf)
                if rest_b >= 0 and rest_a + rest_b >= length:
                    piece(node(a), node(b), length, length)
                else:
                    piece(node(a), node(b), length, rest_a)
                    piece(node(b), node(a), length, rest_b)

        local = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +ellps=WGS84 +units=m +no_defs")
        forward = Transformer.from_crs("EPSG:4326", local, always_xy=True)
        back = Transformer.from_crs(local, "EPSG:4326", always_xy=True)
        a_xy = np.column_stack(forward.transform(*np.array(starts).T))
        b_xy = np.column_stack(forward.transform(*np.array(ends).T))
        cut = a_xy + (b_xy - a_xy) * np.array(fractions)[:, None]
        lines = shapely.linestrings(np.stack((a_xy, cut), axis=1))
        area = shapely.union_all(shapely.buffer(lines, width_m))
        result = shapely.transform(area, lambda xy: np.column_stack(back.transform(xy[:, 0], xy[:, 1])))
        assert isinstance(result, Polygon | MultiPolygon)
        return result

    def _snap_centre(self, lat: float, lon: float) -> Snap | None:
        key = (lat, lon)
        if key not in self._snaps:
            self._snaps[key] = self.network.snap(lat, lon, self.max_access_m)
        return self._snaps[key]


def _walk_m(origin: Snap, target: Snap, reached: dict[int, float]) -> float:
    """Metres from the origin's spot (access included) to the target point, given the junctions reached."""
    inf = math.inf
    metres = min(reached.get(target.u, inf) + target.along_m, reached.get(target.v, inf) + target.to_v_m)
    if (origin.u, origin.v) == (target.u, target.v):  # the same street segment: walk straight along it
        metres = min(metres, origin.access_m + abs(origin.along_m - target.along_m))
    return metres + target.access_m


def _metres_per_degree(lat: float) -> tuple[float, float]:
    """Metres per degree of longitude and of latitude at `lat` on the WGS-84 ellipsoid."""
    phi = math.radians(lat)
    w = 1 - _E2 * math.sin(phi) ** 2
    prime_vertical = _A / math.sqrt(w)
    meridional = _A * (1 - _E2) / w ** 1.5
    return prime_vertical * math.cos(phi) * math.pi / 180, meridional * math.pi / 180


def _read(path: str | Path) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as exc:
        raise StreetNetworkError(f"无法读取街道文件 {path}：{exc.strerror} / cannot read street file {path}: "
                                 f"{exc.strerror}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StreetNetworkError(f"街道文件 {path} 不是有效的 GeoJSON / street file {path} is not valid JSON: "
                                 f"{exc}") from exc


def _walkable_lines(data: Any) -> list[list[tuple[float, float]]]:
    """Every walkable line as [(lon, lat), …], checked; errors name the feature (numbered from 1)."""
    if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
        raise StreetNetworkError("街道文件应为 GeoJSON FeatureCollection / the street file must be a GeoJSON "
                                 "FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list):
        raise StreetNetworkError("FeatureCollection 缺少 features 列表 / the FeatureCollection has no features list")
    lines: list[list[tuple[float, float]]] = []
    for number, feature in enumerate(features, start=1):
        where_zh, where_en = f"第 {number} 个要素", f"feature {number}"
        if not isinstance(feature, Mapping):
            raise StreetNetworkError(f"{where_zh}不是对象 / {where_en} is not an object")
        properties = feature.get("properties") or {}
        if properties.get("walkable") is False or str(properties.get("walkable")).lower() == "false":
            continue
        geometry = feature.get("geometry") or {}
        kind, coordinates = geometry.get("type"), geometry.get("coordinates")
        if kind == "LineString":
            parts = [coordinates]
        elif kind == "MultiLineString" and isinstance(coordinates, list):
            parts = coordinates
        else:
            raise StreetNetworkError(f"{where_zh}的几何类型 {kind} 不是 LineString 或 MultiLineString / "
                                     f"{where_en}: geometry type {kind} is not LineString or MultiLineString")
        for part in parts:
            lines.append(_checked_line(part, where_zh, where_en))
    if not lines:
        raise StreetNetworkError("街道文件中没有可步行的线 / the street file has no walkable line")
    return lines


def _checked_line(part: Any, where_zh: str, where_en: str) -> list[tuple[float, float]]:
    if not isinstance(part, list) or len(part) < 2:
        raise StreetNetworkError(f"{where_zh}：一条线至少需要两个点 / {where_en}: a line needs at least two points")
    line = []
    for point in part:
        try:
            lon, lat = float(point[0]), float(point[1])
        except (TypeError, ValueError, IndexError) as exc:
            raise StreetNetworkError(f"{where_zh}：坐标 {point!r} 应为 [经度, 纬度] / {where_en}: coordinate "
                                     f"{point!r} must be [lon, lat]") from exc
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise StreetNetworkError(f"{where_zh}：坐标 [{lon}, {lat}] 超出范围（应为 [经度, 纬度]）/ {where_en}: "
                                     f"coordinate [{lon}, {lat}] is out of range (GeoJSON order is [lon, lat])")
        line.append((lon, lat))
    return line
