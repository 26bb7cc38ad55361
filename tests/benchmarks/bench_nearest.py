"""Benchmark of the spatial index: nearest centres in the 15-minute circle, against a brute-force scan.

Usage (from the repository root, with the package installed):
    python tests/benchmarks/bench_nearest.py [--n 100000] [--queries 2000] [--sigma-km 12] [--json out.json]

Builds N synthetic centres across China (80% clustered round 50 city centres, 20% scattered over the
country's bounding box; 40% inclusive, 3% suspended or closed), then measures in one run:
- index build time, its Python allocations (tracemalloc peak) and the process's peak RSS;
- latency of `within(15 minutes)` with no filter and with the inclusive filter (median, p99);
- the brute-force baseline: one vectorised pyproj geodesic over every centre, filter, cut and sort
  (and a pure-geopy loop over a sample, extrapolated to all centres);
- the speed-up (scan median ÷ index median) and a check that both give the same answers.
Targets (issue 2, item 10): median under 100 µs, ≥1000× the scan, build under 2 s, under 300 MB.
The file name does not start with `test_`, so pytest never collects it.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
import tracemalloc

import numpy as np
from geopy.distance import geodesic

from geodata.centre import Centre, Kind, Mode, Status
from geodata.index import CentreIndex, Filters, StraightLineWalker, geodesic_m
from geodata.walk import WalkModel

# Approximate city centres (WGS-84 lat, lon): capitals and large cities, for realistic clustering.
CITIES = [
    (39.904, 116.407), (31.230, 121.474), (23.129, 113.264), (22.543, 114.058), (30.573, 104.066),
    (29.563, 106.551), (30.593, 114.305), (34.341, 108.940), (32.060, 118.797), (30.274, 120.155),
    (39.343, 117.362), (36.651, 117.120), (36.067, 120.383), (34.747, 113.625), (28.228, 112.939),
    (26.075, 119.296), (24.480, 118.089), (25.038, 102.718), (26.647, 106.630), (22.817, 108.366),
    (20.044, 110.199), (38.042, 114.515), (37.870, 112.549), (40.842, 111.750), (41.806, 123.432),
    (38.914, 121.615), (43.817, 125.324), (45.803, 126.535), (31.820, 117.227), (28.682, 115.858),
    (36.061, 103.834), (36.617, 101.778), (38.487, 106.231), (43.825, 87.617), (29.650, 91.172),
    (31.299, 120.585), (31.491, 120.312), (29.868, 121.544), (22.271, 113.577), (23.021, 113.751),
    (22.639, 113.812), (32.394, 119.413), (34.264, 117.185), (35.414, 116.587), (37.463, 121.448),
    (27.994, 120.699), (40.657, 109.840), (39.609, 109.781), (34.624, 112.454), (35.026, 111.007),
]
CHINA_BOX = ((22.0, 45.0), (100.0, 122.0))  # the scatter stays on land-ish ground in the east and centre
CLUSTER_SHARE = 0.8
CLUSTER_SIGMA_KM = 12.0
MINUTES = 15.0


def synthetic_centres(n: int, rng: random.Random, sigma_km: float = CLUSTER_SIGMA_KM) -> list[Centre]:
    kinds, modes = list(Kind), list(Mode)
    out = []
    for i in range(n):
        if rng.random() < CLUSTER_SHARE:
            lat0, lon0 = rng.choice(CITIES)
            lat = lat0 + rng.gauss(0, sigma_km) / 111.0
            lon = lon0 + rng.gauss(0, sigma_km) / (111.0 * np.cos(np.radians(lat0)))
        else:
            lat, lon = rng.uniform(*CHINA_BOX[0]), rng.uniform(*CHINA_BOX[1])
        roll = rng.random()
        status = Status.active if roll < 0.97 else (Status.suspended if roll < 0.985 else Status.closed)
        capacity = rng.randint(10, 150)
        low = rng.choice([0, 6, 12, 18, 24])
        out.append(Centre(
            id=f"B{i:06d}", name=f"基准托育园{i}", address=f"基准路{i}号", lat=lat, lon=lon,
            district_code="110101", kind=rng.choice(kinds), inclusive=rng.random() < 0.4, status=status,
            capacity=capacity, vacancies=rng.randint(0, capacity), min_age_months=low, max_age_months=36,
            modes=tuple(rng.sample(modes, rng.randint(1, 3))),
        ))
    return out


def query_points(count: int, rng: random.Random) -> list[tuple[float, float]]:
    """Where parents ask from: near the city centres, within a few kilometres."""
    points = []
    for _ in range(count):
        lat0, lon0 = rng.choice(CITIES)
        points.append((lat0 + rng.gauss(0, 4.0) / 111.0, lon0 + rng.gauss(0, 4.0) / 111.0))
    return points


class BruteForce:
    """The fair baseline: every active centre, one vectorised geodesic call per query."""

    def __init__(self, centres: list[Centre], model: WalkModel):
        self.active = [c for c in centres if c.status is Status.active]
        self.lats = np.array([c.lat for c in self.active])
        self.lons = np.array([c.lon for c in self.active])
        self.inclusive = np.array([c.inclusive for c in self.active])
        self.radius_m = model.radius_m(MINUTES)

    def within(self, lat: float, lon: float, inclusive: bool) -> list[str]:
        dist = geodesic_m(lat, lon, self.lats, self.lons)
        keep = dist <= self.radius_m * (1 + 1e-9)
        if inclusive:
            keep &= self.inclusive
        idx = np.flatnonzero(keep)
        order = sorted(idx.tolist(), key=lambda i: (dist[i], self.active[i].id))
        return [self.active[i].id for i in order]


def max_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def timed(fn, points) -> tuple[list[float], list]:
    times, answers = [], []
    for lat, lon in points:
        start = time.perf_counter_ns()
        answers.append(fn(lat, lon))
        times.append((time.perf_counter_ns() - start) / 1000)
    return times, answers


def summary(times_us: list[float]) -> dict[str, float]:
    ordered = sorted(times_us)
    return {"median_us": round(statistics.median(ordered), 2),
            "p99_us": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of synthetic centres")
    parser.add_argument("--queries", type=int, default=2000, help="queries per measurement")
    parser.add_argument("--scan-queries", type=int, default=100, help="queries for the brute-force scan")
    parser.add_argument("--geopy-sample", type=int, default=2000, help="centres in the pure-geopy loop")
    parser.add_argument("--sigma-km", type=float, default=CLUSTER_SIGMA_KM,
                        help="spread of each city's cluster; smaller is denser (more centres per circle)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", dest="json_path", help="also write the figures to this file")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    model = WalkModel()
    centres = synthetic_centres(args.n, rng, args.sigma_km)
    points = query_points(args.queries, rng)
    with_inclusive = Filters(inclusive=True)

    rss_before_mb = max_rss_mb()
    start = time.perf_counter()
    index = CentreIndex(centres, StraightLineWalker(model))
    build_s = time.perf_counter() - start
    rss_after_mb = max_rss_mb()
    tracemalloc.start()  # a second build, traced: tracemalloc slows allocation, so it is not timed
    CentreIndex(centres, StraightLineWalker(model))
    _, index_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    def by_index(inclusive: bool):
        filters = with_inclusive if inclusive else Filters()
        return lambda lat, lon: index.within(lat, lon, MINUTES, filters)

    timed(by_index(False), points[:200])  # warm up caches and the allocator
    plain_t, plain_a = timed(by_index(False), points)
    incl_t, incl_a = timed(by_index(True), points)

    scan = BruteForce(centres, model)
    scan_points = points[:args.scan_queries]
    scan_plain_t, scan_plain_a = timed(lambda la, lo: scan.within(la, lo, False), scan_points)
    scan_incl_t, scan_incl_a = timed(lambda la, lo: scan.within(la, lo, True), scan_points)
    agree = all([m.centre.id for m in got] == want for got, want in zip(plain_a, scan_plain_a, strict=False)) \
        and all([m.centre.id for m in got] == want for got, want in zip(incl_a, scan_incl_a, strict=False))

    sample = scan.active[:args.geopy_sample]
    lat0, lon0 = points[0]
    start = time.perf_counter()
    geopy_metres = [geodesic((lat0, lon0), (c.lat, c.lon)).meters for c in sample]
    geopy_per_centre_s = (time.perf_counter() - start) / len(geopy_metres)

    results = {
        "centres": args.n, "cluster_sigma_km": args.sigma_km, "active": len(index), "queries": len(points),
        "scan_queries": len(scan_points),
        "mean_results_per_query": round(sum(map(len, plain_a)) / len(plain_a), 2),
        "build_s": round(build_s, 3),
        "build_tracemalloc_peak_mb": round(index_peak / 2**20, 1),
        "max_rss_with_centres_only_mb": rss_before_mb,
        "max_rss_after_build_mb": rss_after_mb,
        "process_max_rss_mb": max_rss_mb(),
        "within_15min": summary(plain_t),
        "within_15min_inclusive": summary(incl_t),
        "scan_15min": summary(scan_plain_t),
        "scan_15min_inclusive": summary(scan_incl_t),
        "speedup": round(statistics.median(scan_plain_t) / statistics.median(plain_t), 1),
        "speedup_inclusive": round(statistics.median(scan_incl_t) / statistics.median(incl_t), 1),
        "geopy_loop_all_centres_ms_estimate": round(geopy_per_centre_s * len(scan.active) * 1000, 1),
        "answers_agree_with_scan": agree,
    }
    targets = {
        "median_under_100us": max(results["within_15min"]["median_us"],
                                  results["within_15min_inclusive"]["median_us"]) < 100,
        "speedup_at_least_1000x": min(results["speedup"], results["speedup_inclusive"]) >= 1000,
        "build_under_2s": build_s < 2,
        "under_300mb": results["process_max_rss_mb"] < 300,
    }
    results["targets_met"] = targets
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if args.json_path:
        with open(args.json_path, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=2, ensure_ascii=False)
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
