"""Walking along real streets: a street network, walks along it, its isochrone, and reach from many centres.

A network comes from an OpenStreetMap extract (`carecircle streets import FILE.osm.pbf`, see geodata/osm.py), which
is stored in a compact form (`.npz`: node coordinates, edges and their lengths) that loads in a fraction of a
second, or from GeoJSON lines. CARECIRCLE_STREETS_FILE names either.

Walks are Dijkstra's algorithm in C (scipy.sparse.csgraph) on a compressed adjacency matrix, stopped at the walk's
budget; `reach_from` runs it once from many centres at a time (a virtual source joined to every centre), which is
what coverage needs: the minutes to every junction from the nearest centre, in one pass.

The GeoJSON format
------------------
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
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree
from shapely.geometry import MultiPolygon, Polygon

from geodata.index import (
    GEOD,
    SEARCH_MARGIN,
    Located,
    Spots,
    StraightLineWalker,
    Walks,
    chord_of,
    unit_vector,
    unit_vectors,
)
from geodata.walk import WalkModel

if TYPE_CHECKING:
    import networkx as nx

# Vertices closer than this are one junction (GeoJSON; OSM shares node ids at junctions).
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
# The compact stored form's format number (StreetNetwork.save / load).
NPZ_FORMAT = 1
EARTH_RADIUS_M = 6_371_008.8

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


class Reach:
    """What one walk reached: metres (access leg included) to any node, inf beyond the budget.

    Kept as Dijkstra's rows from both ends of the origin's street, so looking up a few nodes costs nothing; the
    list of every node reached (`nodes`, `metres`) is made when first asked for (the isochrone)."""

    def __init__(self, found: np.ndarray, leads: np.ndarray, budget_m: float):
        self._found = found  # (2, N): metres from each end of the origin's edge
        self._leads = leads  # metres from the origin to each end (access leg included)
        self._budget = budget_m
        self._listed: tuple[np.ndarray, np.ndarray] | None = None

    def at(self, node: int) -> float:
        metres = min(float(self._found[0, node] + self._leads[0]), float(self._found[1, node] + self._leads[1]))
        return metres if metres <= self._budget else math.inf

    def lookup(self, nodes: np.ndarray) -> np.ndarray:
        """Metres to each of `nodes`; inf for those not reached."""
        metres = np.minimum(self._found[0, nodes] + self._leads[0], self._found[1, nodes] + self._leads[1])
        metres[metres > self._budget] = math.inf
        return metres

    def _list(self) -> tuple[np.ndarray, np.ndarray]:
        if self._listed is None:
            metres = np.minimum(self._found[0] + self._leads[0], self._found[1] + self._leads[1])
            nodes = np.flatnonzero(metres <= self._budget)
            self._listed = nodes, metres[nodes]
        return self._listed

    @property
    def nodes(self) -> np.ndarray:
        """Every node reached, in order."""
        return self._list()[0]

    @property
    def metres(self) -> np.ndarray:
        return self._list()[1]


class StreetNetwork:
    """An undirected graph of walkable streets; nodes are junctions and vertices, edges carry lengths in metres."""

    def __init__(self, node_lats: np.ndarray, node_lons: np.ndarray, edges: np.ndarray,
                 lengths: np.ndarray | None = None):
        """`edges` is an (E, 2) array of node pairs; lengths are measured here (geodesic) unless given (then the
        edges must already be unique, u < v, as `save` writes them)."""
        self.node_lats = np.asarray(node_lats, dtype=float)
        self.node_lons = np.asarray(node_lons, dtype=float)
        edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
        if lengths is None:
            edges = np.unique(np.sort(edges, axis=1), axis=0)
            edges = edges[edges[:, 0] != edges[:, 1]]
        if len(edges) == 0:
            raise StreetNetworkError("街道网络中没有可步行的线段 / the street network has no walkable segment")
        self.edge_u, self.edge_v = edges[:, 0].astype(np.int32), edges[:, 1].astype(np.int32)
        if lengths is None:
            _, _, measured = GEOD.inv(self.node_lons[self.edge_u], self.node_lats[self.edge_u],
                                      self.node_lons[self.edge_v], self.node_lats[self.edge_v])
            lengths = np.asarray(measured, dtype=float)
        self.edge_length = np.asarray(lengths, dtype=float)
        n = len(self.node_lats)
        # Both directions stored: Dijkstra runs "directed" on a symmetric matrix, so scipy never transposes it.
        weights = np.maximum(self.edge_length, 1e-6)  # a zero would read as "no edge"
        self._matrix = csr_matrix((np.concatenate((weights, weights)),
                                   (np.concatenate((self.edge_u, self.edge_v)),
                                    np.concatenate((self.edge_v, self.edge_u)))), shape=(n, n))
        self._matrix.sum_duplicates()
        self._matrix.sort_indices()
        self._graph: nx.Graph | None = None
        self._build_edge_index()

    # --- reading and writing ---------------------------------------------------------------------------------

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

    def save(self, path: str | Path) -> None:
        """The compact form: coordinates, edges and lengths in one compressed numpy archive."""
        with open(path, "wb") as out:
            np.savez_compressed(out, format=np.int32(NPZ_FORMAT), node_lats=self.node_lats, node_lons=self.node_lons,
                                edge_u=self.edge_u, edge_v=self.edge_v, edge_length=self.edge_length)

    @classmethod
    def load(cls, path: str | Path) -> StreetNetwork:
        """A network written by `save` (or `carecircle streets import`)."""
        try:
            with np.load(path, allow_pickle=False) as data:
                if int(data["format"]) != NPZ_FORMAT:
                    raise StreetNetworkError(f"街道文件 {path} 的格式版本 {int(data['format'])} 不受支持 / "
                                             f"street file {path}: format {int(data['format'])} is not supported")
                edges = np.column_stack((data["edge_u"], data["edge_v"]))
                return cls(data["node_lats"], data["node_lons"], edges, lengths=data["edge_length"])
        except (OSError, KeyError, ValueError) as exc:
            if isinstance(exc, StreetNetworkError):
                raise
            raise StreetNetworkError(f"无法读取街道文件 {path} / cannot read street file {path}: {exc}") from exc

    @classmethod
    def open(cls, path: str | Path) -> StreetNetwork:
        """CARECIRCLE_STREETS_FILE: the compact form (`.npz`) or GeoJSON, by the file's name."""
        return cls.load(path) if str(path).endswith(".npz") else cls.from_geojson(path)

    # --- shape -----------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.node_lats)

    @property
    def edge_count(self) -> int:
        return len(self.edge_u)

    @property
    def graph(self) -> nx.Graph:
        """The network as a networkx graph (edge attribute `length`), made on first use: for tools and checks;
        walks use the compressed matrix."""
        if self._graph is None:
            import networkx as nx

            graph = nx.Graph()
            graph.add_nodes_from(range(len(self)))
            graph.add_weighted_edges_from(
                zip(self.edge_u.tolist(), self.edge_v.tolist(), self.edge_length.tolist(), strict=True),
                weight="length")
            self._graph = graph
        return self._graph

    def _build_edge_index(self) -> None:
        """Points along every edge, at most SAMPLE_STEP_M apart (the middles of equal pieces), in a k-d tree."""
        pieces = np.maximum(1, np.ceil(self.edge_length / SAMPLE_STEP_M).astype(np.int64))
        edge_of_sample = np.repeat(np.arange(len(pieces)), pieces)
        first = np.repeat(np.cumsum(pieces) - pieces, pieces)
        fraction = (np.arange(len(edge_of_sample)) - first + 0.5) / np.repeat(pieces, pieces)
        u, v = self.edge_u[edge_of_sample], self.edge_v[edge_of_sample]
        lats = self.node_lats[u] + fraction * (self.node_lats[v] - self.node_lats[u])
        lons = self.node_lons[u] + fraction * (self.node_lons[v] - self.node_lons[u])
        self._sample_edge = edge_of_sample.astype(np.int32)
        self._sample_tree = cKDTree(unit_vectors(lats, lons), balanced_tree=False, compact_nodes=False)

    # --- where a point joins the streets ----------------------------------------------------------------------

    def snap(self, lat: float, lon: float, max_access_m: float) -> Snap | None:
        """The nearest spot on any street, if it is within `max_access_m` of the point."""
        point = unit_vector(lat, lon)
        chord, _ = self._sample_tree.query(point)
        nearest_sample_m = 2 * EARTH_RADIUS_M * math.asin(min(1.0, chord / 2))
        if nearest_sample_m - SAMPLE_STEP_M > max_access_m * SEARCH_MARGIN:
            return None
        # Every edge's nearest spot has a sample within half a step of it: look that much beyond the nearest sample.
        near = self._sample_tree.query_ball_point(point, chord_of((nearest_sample_m + SAMPLE_STEP_M) * SEARCH_MARGIN))
        edges = np.unique(self._sample_edge[near])
        u, v = self.edge_u[edges], self.edge_v[edges]
        # Nearest point on each candidate segment, in a local plane (metres) around the point.
        kx, ky = _metres_per_degree(lat)
        ax, ay = (self.node_lons[u] - lon) * kx, (self.node_lats[u] - lat) * ky
        dx, dy = (self.node_lons[v] - lon) * kx - ax, (self.node_lats[v] - lat) * ky - ay
        t = np.clip(-(ax * dx + ay * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0.0, 1.0)
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

    # --- shortest walks ---------------------------------------------------------------------------------------

    def reach(self, snap: Snap, budget_m: float) -> Reach:
        """Walking metres (access leg included) from a snapped point to the nodes within `budget_m`: one Dijkstra
        in C from both ends of its street, stopped at the budget."""
        leads = np.array([snap.access_m + snap.along_m, snap.access_m + snap.to_v_m])
        if leads.min() > budget_m:
            return Reach(np.full((2, len(self)), math.inf), leads, budget_m)
        found = dijkstra(self._matrix, directed=True, indices=[snap.u, snap.v], limit=budget_m - leads.min())
        return Reach(found, leads, budget_m)

    def metres_from(self, snap: Snap, budget_m: float) -> np.ndarray:
        """Walking metres (access leg included) to every node, as one array; inf beyond `budget_m`."""
        found = self.reach(snap, budget_m)
        metres = np.full(len(self), math.inf)
        metres[found.nodes] = found.metres
        return metres

    def distances_from(self, snap: Snap, budget_m: float) -> dict[int, float]:
        """Walking metres (access leg included) to every junction reachable within `budget_m`."""
        found = self.reach(snap, budget_m)
        return dict(zip(found.nodes.tolist(), found.metres.tolist(), strict=True))

    def reach_from(self, points: Iterable[tuple[float, float]], max_minutes: float,
                   metres_per_minute: float = WalkModel().metres_per_minute,
                   max_access_m: float = DEFAULT_MAX_ACCESS_M) -> np.ndarray:
        """Minutes to every node from the nearest of `points` ((lat, lon), e.g. every centre with places), in one
        pass: one Dijkstra from a virtual source joined to each point's street spot by its access and along legs.
        inf where no point is within `max_minutes`; points farther than `max_access_m` from any street are left out.
        `minutes_at` reads the answer for any other point (a residential area)."""
        budget = max_minutes * metres_per_minute
        seeds: dict[int, float] = {}
        for lat, lon in points:
            snap = self.snap(lat, lon, max_access_m)
            if snap is None:
                continue
            for node, lead in ((snap.u, snap.access_m + snap.along_m), (snap.v, snap.access_m + snap.to_v_m)):
                if lead < seeds.get(node, math.inf):
                    seeds[node] = lead
        n = len(self)
        if not seeds:
            return np.full(n, math.inf)
        nodes = np.fromiter(seeds, dtype=np.int64, count=len(seeds))
        leads = np.maximum(np.fromiter(seeds.values(), dtype=float, count=len(seeds)), 1e-6)
        graph = self._matrix.tocoo()
        source = n  # the virtual source, joined to each seed node by its lead
        augmented = csr_matrix((np.concatenate((graph.data, leads)),
                                (np.concatenate((graph.row, np.full(len(nodes), source))),
                                 np.concatenate((graph.col, nodes)))), shape=(n + 1, n + 1))
        metres = dijkstra(augmented, directed=True, indices=source, limit=budget)[:n]
        minutes = metres / metres_per_minute
        minutes[metres > budget] = math.inf
        return minutes

    def minutes_at(self, reach: np.ndarray, lat: float, lon: float,
                   metres_per_minute: float = WalkModel().metres_per_minute,
                   max_access_m: float = DEFAULT_MAX_ACCESS_M) -> float:
        """Minutes from the nearest point of a `reach_from` answer to (lat, lon): via either end of its street,
        plus the way along it and its access leg; inf off the streets or out of reach."""
        snap = self.snap(lat, lon, max_access_m)
        if snap is None:
            return math.inf
        via = min(reach[snap.u] * metres_per_minute + snap.along_m, reach[snap.v] * metres_per_minute + snap.to_v_m)
        return float((via + snap.access_m) / metres_per_minute)

    def segments_near(self, lat: float, lon: float, radius_m: float) -> np.ndarray:
        """Edges with an end within `radius_m` of the point, as an (k, 2, 2) array of [(lat, lon), (lat, lon)]."""
        near = self._sample_tree.query_ball_point(unit_vector(lat, lon), chord_of(radius_m + SAMPLE_STEP_M))
        edges = np.unique(self._sample_edge[near])
        u, v = self.edge_u[edges], self.edge_v[edges]
        return np.stack((np.column_stack((self.node_lats[u], self.node_lons[u])),
                         np.column_stack((self.node_lats[v], self.node_lons[v]))), axis=1)


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
        # The same snaps as columns (u, v, along, length, access), by slot, for walks to many centres at once.
        self._slots: dict[tuple[float, float], int] = {}
        self._columns: list[list[float]] = [[], [], [], [], []]
        self._snapped: list[np.ndarray] = [np.zeros(0)] * 5
        self._slot_lock = threading.Lock()  # walks run in several threads; the columns grow together

    def search_radius_m(self, minutes: float) -> float:
        # A walk along streets is never shorter than the straight line, and the fallback's radius is smaller.
        return minutes * self.model.metres_per_minute

    def walks(self, lat: float, lon: float, centres: Sequence[Located], distances_m: np.ndarray,
              max_minutes: float | None = None) -> Walks:
        if isinstance(centres, Spots):  # the index's columns, as they are
            return self.walks_to(lat, lon, centres.lats, centres.lons, distances_m, max_minutes)
        lats = np.fromiter((c.lat for c in centres), dtype=float, count=len(centres))
        lons = np.fromiter((c.lon for c in centres), dtype=float, count=len(centres))
        return self.walks_to(lat, lon, lats, lons, distances_m, max_minutes)

    def walks_to(self, lat: float, lon: float, lats: np.ndarray, lons: np.ndarray, distances_m: np.ndarray,
                 max_minutes: float | None = None) -> Walks:
        estimate = self._straight.walks_to(lat, lon, lats, lons, distances_m)
        minutes, along = estimate.minutes.copy(), estimate.along_streets.copy()
        origin = self.network.snap(lat, lon, self.max_access_m)
        if origin is None or not len(lats):
            return Walks(minutes, along)
        limit = max_minutes if max_minutes is not None else self.max_walk_minutes
        reached = self.network.reach(origin, limit * self.model.metres_per_minute)
        places = zip(lats.tolist(), lons.tolist(), strict=True)
        slot_of, slot = self._slots, self._slot
        slots = np.fromiter((slot_of[p] if p in slot_of else slot(*p) for p in places), dtype=np.int64,
                            count=len(lats))
        on = np.flatnonzero(slots >= 0)
        if not len(on):
            return Walks(minutes, along)  # every centre is off the streets: the straight-line estimates stand
        columns = self._snapped
        if len(columns[0]) <= int(slots.max()):  # centres snapped for the first time: new columns
            with self._slot_lock:
                columns = self._snapped = [np.asarray(self._columns[0], dtype=np.int64),
                                           np.asarray(self._columns[1], dtype=np.int64),
                                           *(np.asarray(c, dtype=float) for c in self._columns[2:])]
        snapped = slots[on]
        u, v, along_m, length, access = (columns[k][snapped] for k in range(5))
        metres = np.minimum(reached.lookup(u) + along_m, reached.lookup(v) + (length - along_m))
        same = (u == origin.u) & (v == origin.v)  # on the origin's own street segment: straight along it
        metres[same] = np.minimum(metres[same], origin.access_m + np.abs(origin.along_m - along_m[same]))
        metres += access
        found = np.isfinite(metres)
        minutes[on[found]] = metres[found] / self.model.metres_per_minute
        along[on] = found | (max_minutes is not None)
        if max_minutes is not None:
            minutes[on[~found]] = math.inf  # on the streets, but not within the limit
        return Walks(minutes, along)

    def walk_to(self, lat: float, lon: float, to_lat: float, to_lon: float) -> tuple[float, bool]:
        """Minutes from one point to another, and whether they were measured along streets."""
        origin = self.network.snap(lat, lon, self.max_access_m)
        target = self.network.snap(to_lat, to_lon, self.max_access_m)
        if origin is not None and target is not None:
            reached = self.network.reach(origin, self.max_walk_minutes * self.model.metres_per_minute)
            metres = _walk_m(origin, target, reached)
            if metres < math.inf:
                return self.model.walk_minutes_along(metres), True
        return self.model.minutes(float(GEOD.inv(lon, lat, to_lon, to_lat)[2])), False

    def reach_from(self, points: Iterable[tuple[float, float]], max_minutes: float) -> np.ndarray:
        """Minutes to every node from the nearest of `points`, at this walker's speed (StreetNetwork.reach_from)."""
        return self.network.reach_from(points, max_minutes, self.model.metres_per_minute, self.max_access_m)

    def streets_near(self, lat: float, lon: float, radius_m: float) -> np.ndarray:
        """The street segments around a point, for a map: (k, 2, 2) [(lat, lon), (lat, lon)]."""
        return self.network.segments_near(lat, lon, radius_m)

    def isochrone(self, lat: float, lon: float, minutes: float,
                  width_m: float = STREET_REACH_M) -> Polygon | MultiPolygon:
        """The streets reached within `minutes` (edges cut where the time runs out), `width_m` either side.

        Drawn in a local plane around the point (metres east and north, exact to well under a metre across a
        walk), buffered there, and returned in WGS-84 (x = lon, y = lat). Off the network: the model's circle.
        """
        origin = self.network.snap(lat, lon, self.max_access_m)
        if origin is None:
            return self._straight.isochrone(lat, lon, minutes)
        budget = minutes * self.model.metres_per_minute
        net = self.network
        reached = net.reach(origin, budget)
        # Every edge at a reached node (both ends reached: once), from the adjacency matrix's rows.
        starts, stops = net._matrix.indptr[reached.nodes], net._matrix.indptr[reached.nodes + 1]
        counts = stops - starts
        entries = np.repeat(stops - np.cumsum(counts), counts) + np.arange(int(counts.sum()))
        eu, ev = np.repeat(reached.nodes, counts), net._matrix.indices[entries].astype(np.int64)
        length = net._matrix.data[entries]
        rest_u = budget - np.repeat(reached.metres, counts)
        rest_v = budget - reached.lookup(ev)  # -inf where the far end is not reached
        once = ~np.isfinite(rest_v) | (eu < ev)
        eu, ev, length, rest_u, rest_v = eu[once], ev[once], length[once], rest_u[once], rest_v[once]
        whole = (rest_u >= 0) & (rest_v >= 0) & (rest_u + rest_v >= length)
        # Pieces as (start node, end node, fraction of the edge walked from the start).
        from_u = ~whole & (rest_u > 0)
        from_v = ~whole & (rest_v > 0)
        starts = np.concatenate((eu[whole], eu[from_u], ev[from_v]))
        ends = np.concatenate((ev[whole], ev[from_u], eu[from_v]))
        fractions = np.concatenate((np.ones(int(whole.sum())), np.minimum(1.0, rest_u[from_u] / length[from_u]),
                                    np.minimum(1.0, rest_v[from_v] / length[from_v])))
        kx, ky = _metres_per_degree(lat)

        def xy(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
            return np.column_stack(((lons - lon) * kx, (lats - lat) * ky))

        a = xy(net.node_lats[starts], net.node_lons[starts])
        b = xy(net.node_lats[ends], net.node_lons[ends])
        cut = a + (b - a) * fractions[:, None]
        # The origin's own pieces: the access leg, and along its edge towards each end, as far as the time goes.
        spot = xy(np.array([origin.lat]), np.array([origin.lon]))[0]
        extra = [(np.zeros(2), spot)] if origin.access_m > 0 else []
        left = budget - origin.access_m
        for node, far in ((origin.u, origin.along_m), (origin.v, origin.to_v_m)):
            if left > 0 and far > 0:
                end = xy(net.node_lats[[node]], net.node_lons[[node]])[0]
                extra.append((spot, spot + (end - spot) * min(1.0, left / far)))
        if extra:
            a = np.concatenate((a, np.array([p for p, _ in extra])))
            cut = np.concatenate((cut, np.array([q for _, q in extra])))
        area = corridor(a, cut, width_m)
        result = shapely.transform(area, lambda p: np.column_stack((p[:, 0] / kx + lon, p[:, 1] / ky + lat)))
        assert isinstance(result, Polygon | MultiPolygon)
        return result

    def prepare(self, points: Iterable[tuple[float, float]]) -> None:
        """Snap these centres now (each is snapped on its first walk otherwise): a service can do it off the
        request path once its registry is built."""
        for lat, lon in points:
            if (lat, lon) not in self._slots:
                self._slot(lat, lon)

    def _slot(self, lat: float, lon: float) -> int:
        """The column slot of a centre's snap (-1 when it is off the streets), snapping it the first time."""
        snap = self._snap_centre(lat, lon)
        with self._slot_lock:
            if (lat, lon) in self._slots:
                return self._slots[(lat, lon)]
            if snap is None:
                self._slots[(lat, lon)] = -1
                return -1
            for column, value in zip(self._columns, (snap.u, snap.v, snap.along_m, snap.length_m, snap.access_m),
                                     strict=True):
                column.append(value)
            slot = len(self._columns[0]) - 1
            self._slots[(lat, lon)] = slot
            return slot

    def _snap_centre(self, lat: float, lon: float) -> Snap | None:
        key = (lat, lon)
        if key not in self._snaps:
            self._snaps[key] = self.network.snap(lat, lon, self.max_access_m)
        return self._snaps[key]


def corridor(a: np.ndarray, b: np.ndarray, width_m: float, cell_m: float | None = None) -> Polygon | MultiPolygon:
    """Everything within `width_m` of the segments a[i]–b[i] (plane coordinates in metres), as polygons.

    Drawn on a grid rather than by buffering and uniting thousands of segments (which took a tenth of a second and
    more for a 15-minute walk): the segments are sampled every half cell, marked on the grid, a distance transform
    gives every cell's distance to the nearest mark, and the `width_m` contour is traced (contourpy). The edge is
    within a cell's half-diagonal of the exact buffer (3.5 m with the default cell of width ÷ 4)."""
    from contourpy import FillType, contour_generator
    from scipy import ndimage

    cell = cell_m or width_m / 4
    lengths = np.hypot(*(b - a).T)
    steps = np.maximum(1, np.ceil(lengths / (cell / 2))).astype(np.int64)
    piece = np.repeat(np.arange(len(a)), steps + 1)
    fraction = (np.arange(len(piece)) - np.repeat(np.cumsum(steps + 1) - (steps + 1), steps + 1)) / \
        np.repeat(steps, steps + 1)
    points = a[piece] + (b[piece] - a[piece]) * fraction[:, None]
    margin = width_m + 3 * cell
    low = points.min(axis=0) - margin
    shape = np.ceil((points.max(axis=0) + margin - low) / cell).astype(int)[::-1]  # rows (y), columns (x)
    cells = ((points - low) / cell).astype(np.intp)
    free = np.ones(shape, dtype=bool)
    free[cells[:, 1], cells[:, 0]] = False
    distance = ndimage.distance_transform_edt(free).astype(np.float32)  # in cells, from each cell's centre
    xs = low[0] + (np.arange(shape[1]) + 0.5) * cell
    ys = low[1] + (np.arange(shape[0]) + 0.5) * cell
    generator = contour_generator(xs, ys, distance, fill_type=FillType.OuterOffset)
    filled, offsets = generator.filled(-1.0, width_m / cell)  # type: ignore[misc]
    polygons = []
    for coords, offset in zip(filled, offsets, strict=True):  # one polygon: its outer ring, then its holes
        ring_of = np.repeat(np.arange(len(offset) - 1), np.diff(offset))
        rings = shapely.linearrings(coords, indices=ring_of)
        polygons.append(shapely.polygons(rings[0], holes=rings[1:]))
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def _walk_m(origin: Snap, target: Snap, reached: Reach) -> float:
    """Metres from the origin's spot (access included) to the target point, given the nodes reached."""
    metres = min(reached.at(target.u) + target.along_m, reached.at(target.v) + target.to_v_m)
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
