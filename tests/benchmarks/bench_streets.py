"""Benchmark of walks along streets on a city-sized network, with the baselines measured in the same run.

Usage (from the repository root):
    python tests/benchmarks/bench_streets.py [--side 330] [--centres 20000] [--queries 300] [--json out.json]

Builds a synthetic city (no extract is needed): a side × side grid of junctions 60 m apart, jittered by up to
8 m, with 5% of the blocks missing (so walks detour), and every street split halfway by a vertex, as OSM draws
them: over 200,000 edges at the default side. Centres are scattered over the city. It measures:
- load: the compact form (`.npz`, what `carecircle streets import` writes) against reading the same network from
  GeoJSON (the older format), each into a ready StreetNetwork (adjacency matrix and snapping index);
- nearest with walk: `CentreIndex.within(…, 15 minutes, limit=5)` with a NetworkWalker (snap, one Dijkstra,
  the centres' legs), against the straight-line model on the same centres, and against the walk measured with
  networkx's Dijkstra from both ends of the origin's street (the previous implementation);
- the isochrone polygon of 15 minutes, against the straight-line model's geodesic circle;
- reach_from every centre in one pass (what coverage uses).
Targets (issue 16, item 5): load < 3 s, nearest-with-walk median < 2 ms, isochrone < 20 ms.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from geodata.centre import Centre, Kind, Status
from geodata.index import CentreIndex, StraightLineWalker
from geodata.streets import NetworkWalker, StreetNetwork
from geodata.walk import WalkModel

ORIGIN = (39.58, 109.70)  # south-west corner of the synthetic city (伊金霍洛旗)
SPACING_M = 60.0
M_PER_DEG_LAT = 111_000.0


def synthetic_city(side: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Node latitudes, longitudes and (E, 2) edges of the jittered grid, every block split by a middle vertex."""
    m_per_deg_lon = M_PER_DEG_LAT * math.cos(math.radians(ORIGIN[0]))
    jj, ii = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    north = jj.ravel() * SPACING_M + rng.uniform(-8, 8, side * side)
    east = ii.ravel() * SPACING_M + rng.uniform(-8, 8, side * side)
    index = np.arange(side * side).reshape(side, side)
    u = np.concatenate((index[:, :-1].ravel(), index[:-1, :].ravel()))
    v = np.concatenate((index[:, 1:].ravel(), index[1:, :].ravel()))
    keep = rng.random(len(u)) >= 0.05
    u, v = u[keep], v[keep]
    middle = side * side + np.arange(len(u))  # a vertex halfway along every block
    mid_north, mid_east = (north[u] + north[v]) / 2, (east[u] + east[v]) / 2
    all_north, all_east = np.concatenate((north, mid_north)), np.concatenate((east, mid_east))
    edges = np.concatenate((np.column_stack((u, middle)), np.column_stack((middle, v))))
    lats = ORIGIN[0] + all_north / M_PER_DEG_LAT
    lons = ORIGIN[1] + all_east / m_per_deg_lon
    return lats, lons, edges


def as_geojson(lats: np.ndarray, lons: np.ndarray, edges: np.ndarray) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [
            [float(lons[a]), float(lats[a])], [float(lons[b]), float(lats[b])]]}} for a, b in edges.tolist()]}


def scattered(count: int, rng: np.random.Generator, extent_m: float) -> list[tuple[float, float]]:
    m_per_deg_lon = M_PER_DEG_LAT * math.cos(math.radians(ORIGIN[0]))
    north, east = rng.uniform(0, extent_m, count), rng.uniform(0, extent_m, count)
    return list(zip((ORIGIN[0] + north / M_PER_DEG_LAT).tolist(), (ORIGIN[1] + east / m_per_deg_lon).tolist(),
                    strict=True))


def timed(fn: Callable[[float, float], Any], points: list[tuple[float, float]]) -> tuple[dict[str, float], list[Any]]:
    """Wall-clock median and p99, and the median CPU time of this process (which other processes on a busy
    machine do not inflate)."""
    times, cpu, answers = [], [], []
    for lat, lon in points:
        start, start_cpu = time.perf_counter(), time.process_time()
        answers.append(fn(lat, lon))
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    ordered = sorted(times)
    return {"median_ms": round(statistics.median(ordered), 3),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 3),
            "cpu_median_ms": round(statistics.median(cpu), 3)}, answers


def networkx_walks(walker: NetworkWalker, index: CentreIndex) -> Callable[[float, float], list[float]]:
    """The previous implementation's walk: networkx Dijkstra from both ends of the origin's street, then legs."""
    import networkx as nx

    network, graph = walker.network, walker.network.graph
    budget = 15 * walker.model.metres_per_minute

    def walks(lat: float, lon: float) -> list[float]:
        origin = network.snap(lat, lon, walker.max_access_m)
        if origin is None:
            return []
        reached: dict[int, float] = {}
        for node, lead in ((origin.u, origin.access_m + origin.along_m), (origin.v, origin.access_m + origin.to_v_m)):
            for other, metres in nx.single_source_dijkstra_path_length(graph, node, cutoff=budget - lead,
                                                                       weight="length").items():
                reached[other] = min(reached.get(other, math.inf), lead + metres)
        out = []
        for match in index.within(lat, lon, 15, limit=5):
            target = network.snap(match.centre.lat, match.centre.lon, walker.max_access_m)
            if target is not None:
                out.append(min(reached.get(target.u, math.inf) + target.along_m,
                               reached.get(target.v, math.inf) + target.to_v_m) + target.access_m)
        return out

    return walks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--side", type=int, default=235, help="junctions along each side of the grid")
    parser.add_argument("--centres", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    model = WalkModel()
    lats, lons, edges = synthetic_city(args.side, rng)
    extent = (args.side - 1) * SPACING_M

    with tempfile.TemporaryDirectory() as tmp:
        built = StreetNetwork(lats, lons, edges)
        npz, geojson = Path(tmp) / "city.npz", Path(tmp) / "city.geojson"
        built.save(npz)
        geojson.write_text(json.dumps(as_geojson(lats, lons, edges)), encoding="utf-8")
        start = time.perf_counter()
        network = StreetNetwork.open(npz)
        load_npz = time.perf_counter() - start
        start = time.perf_counter()
        StreetNetwork.open(geojson)
        load_geojson = time.perf_counter() - start
        sizes = {"npz_mb": round(npz.stat().st_size / 2**20, 1), "geojson_mb": round(geojson.stat().st_size / 2**20, 1)}

    centres = [Centre(id=f"S{i:06d}", name=f"街道托育园{i}", address="街道路", lat=a, lon=b, district_code="150627",
                      kind=Kind.centre, inclusive=bool(i % 2), status=Status.active)
               for i, (a, b) in enumerate(scattered(args.centres, rng, extent))]
    walker = NetworkWalker(network, model)
    streets = CentreIndex(centres, walker)
    straight = CentreIndex(centres, StraightLineWalker(model))
    points = scattered(args.queries, rng, extent)
    for lat, lon in points[:50]:  # warm up: the centres' snaps are cached as a long-running service has them
        streets.within(lat, lon, 15, limit=5)
    walker.prepare((c.lat, c.lon) for c in centres)  # every centre snapped once, as in a running service

    rows: dict[str, dict[str, float]] = {}
    rows["nearest with walk (streets)"], answers = timed(lambda a, b: streets.within(a, b, 15, limit=5), points)
    rows["nearest, straight-line model"], _ = timed(lambda a, b: straight.within(a, b, 15, limit=5), points)
    rows["nearest, networkx walk"], _ = timed(networkx_walks(walker, straight), points[:100])
    rows["isochrone 15 min (streets)"], shapes = timed(lambda a, b: walker.isochrone(a, b, 15), points[:100])
    rows["circle, straight-line model"], _ = timed(lambda a, b: StraightLineWalker(model).isochrone(a, b, 15),
                                                   points[:100])
    start = time.perf_counter()
    reach = walker.reach_from([(c.lat, c.lon) for c in centres], 15)
    reach_s = time.perf_counter() - start

    along = sum(m.along_streets for found in answers for m in found)
    results = {
        "nodes": len(network), "edges": network.edge_count, "centres": len(centres), "queries": len(points),
        "load_s": {"npz": round(load_npz, 3), "geojson": round(load_geojson, 3)}, "file_sizes": sizes,
        "latency": rows, "reach_from_all_centres_s": round(reach_s, 3),
        "nodes_within_15_min_of_a_centre": int(np.isfinite(reach).sum()),
        "matches_measured_along_streets": along, "isochrone_mean_area_km2": round(float(np.mean(
            [s.area for s in shapes])) * (M_PER_DEG_LAT ** 2) * math.cos(math.radians(ORIGIN[0])) / 1e6, 3),
    }
    results["targets"] = {
        "load_under_3s": load_npz < 3, "nearest_with_walk_median_under_2ms":
            rows["nearest with walk (streets)"]["median_ms"] < 2,
        "isochrone_under_20ms": rows["isochrone 15 min (streets)"]["median_ms"] < 20,
        # The same on this process's CPU time: what the wall clock shows on a machine no one else is using.
        "nearest_with_walk_cpu_median_under_2ms": rows["nearest with walk (streets)"]["cpu_median_ms"] < 2,
        "isochrone_cpu_median_under_20ms": rows["isochrone 15 min (streets)"]["cpu_median_ms"] < 20,
    }
    print(f"network: {len(network):,} nodes, {network.edge_count:,} edges; {len(centres):,} centres; "
          f"{len(points)} query points")
    print(f"load: compact .npz {load_npz:.3f} s ({sizes['npz_mb']} MB) vs GeoJSON {load_geojson:.3f} s "
          f"({sizes['geojson_mb']} MB)")
    print(f"{'measure':<32} {'median ms':>10} {'p99 ms':>10} {'CPU median ms':>14}")
    for name, row in rows.items():
        print(f"{name:<32} {row['median_ms']:>10} {row['p99_ms']:>10} {row['cpu_median_ms']:>14}")
    print(f"reach_from {len(centres):,} centres in one pass: {reach_s:.3f} s "
          f"({results['nodes_within_15_min_of_a_centre']:,} nodes within 15 min)")
    print(f"targets: {json.dumps(results['targets'])}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
