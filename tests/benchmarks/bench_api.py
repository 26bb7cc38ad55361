"""Benchmark of the HTTP path: GET /api/centres/nearest side by side with its ceilings, measured in one run.

Usage:
    python tests/benchmarks/bench_api.py [--n 5000] [--seconds 10] [--connections 16 64] [--workers 1]
                                         [--rounds 3] [--writer] [--json bench-api.json]

Builds a temporary SQLite store of N synthetic centres (clustered round 50 cities, as bench_nearest.py does), then
for each worker count starts `uvicorn --workers W` on a free loopback port for each scenario:
- `ceiling`: a bare FastAPI app with one route returning constant JSON (no middleware): the framework's ceiling;
- `constant`: the project's own app answering a constant (GET /healthz) through all its middleware;
- `nearest`: the project's app answering GET /api/centres/nearest, cycling through 2,000 query points near the
  cities (half of them with inclusive=true);
- `nearest+writer` (with --writer): the same while another process changes one centre a second in the store
  (the server's registry watcher applies each change).
All the servers run at once and the scenarios take turns, for --rounds rounds (each figure is the median over the
rounds), so that a machine whose load changes during the run treats them alike. Each turn runs for --seconds at
each --connections with wrk (Debian's `wrk`, one thread) when installed, otherwise a
bounded httpx.AsyncClient loop. The rate limit is off (CARECIRCLE_RATE_LIMIT_PER_MINUTE=0). It prints requests/s,
p50 and p99 of every scenario side by side with its share of the ceiling, then the targets of issue 16: nearest
>= 60% of the ceiling at 16 connections, nearest's p99 at 64 <= 2x the ceiling's, and (with --writer) p99 at 64
with a writer <= 2x without. Only 127.0.0.1 is contacted; every run stops by itself. pytest never collects it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from api.db import open_store
from geodata.store import upsert_centres

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_nearest import query_points, synthetic_centres  # noqa: E402

MAX_SECONDS = 60
WRK_LINE = re.compile(r"^\s*(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def app_factory() -> Any:
    """What each uvicorn worker runs: the real create_app on the store named by CARECIRCLE_DATABASE_URL."""
    from api.app import create_app
    from api.settings import Settings

    return create_app(Settings())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(database_url: str, workers: int, port: int,
                 factory: str = "bench_api:app_factory") -> subprocess.Popen[bytes]:
    env = {**os.environ, "CARECIRCLE_DATABASE_URL": database_url, "CARECIRCLE_RATE_LIMIT_PER_MINUTE": "0"}
    command = [sys.executable, "-m", "uvicorn", factory, "--factory", "--app-dir", str(HERE),
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning",
               "--no-access-log"]
    return subprocess.Popen(command, env=env, cwd=HERE.parents[1])


def wait_until_up(base: str, paths: list[str], timeout: float = 30.0, health: str = "/healthz") -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base, timeout=5) as client:
        while True:
            try:
                if client.get(health).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server at {base} did not start within {timeout} s")
            time.sleep(0.2)
        for path in paths[:400]:  # warm up: every worker loads the registry and its index
            response = client.get(path)
            response.raise_for_status()


def run_wrk(base: str, paths: list[str], seconds: int, connections: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("local paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
                     "local i = 0\n"
                     "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n")
    try:
        output = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, base + paths[0]],
            capture_output=True, text=True, check=True, timeout=seconds + 30,
        ).stdout
    finally:
        os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {f"p{pct}_ms": round(float(value) * scale[unit], 2) for pct, value, unit in WRK_LINE.findall(output)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"requests_per_s": round(rate), **latency, "non_2xx": int(errors.group(1)) if errors else 0,
            "generator": "wrk"}


async def run_httpx(base: str, paths: list[str], seconds: int, connections: int) -> dict[str, Any]:
    """The fallback load generator: `connections` tasks in a loop until the time is up."""
    latencies: list[float] = []
    failures = 0
    stop_at = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10) as client:
        async def worker(offset: int) -> None:
            nonlocal failures
            i = offset
            while time.perf_counter() < stop_at:
                start = time.perf_counter()
                response = await client.get(paths[i % len(paths)])
                latencies.append((time.perf_counter() - start) * 1000)
                failures += response.status_code != 200
                i += connections

        started = time.perf_counter()
        await asyncio.gather(*(worker(k) for k in range(connections)))
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {"requests_per_s": round(len(latencies) / elapsed), "p50_ms": round(cuts[49], 2),
            "p99_ms": round(cuts[98], 2), "non_2xx": failures, "generator": "httpx"}


def ceiling_factory() -> Any:
    """The ceiling: a bare FastAPI app, one route returning constant JSON, no middleware."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/constant")
    async def constant() -> dict[str, str]:
        return {"status": "ok"}

    return app


def write_one_centre_a_second(database_url: str, stop_at: float) -> int:
    """The writer: one centre's vacancies changed a second, as a registry admin would, until `stop_at`."""
    from dataclasses import replace

    from geodata.store import load_centres

    engine = open_store(database_url)
    centre = load_centres(engine)[0]
    writes = 0
    while time.monotonic() < stop_at:
        upsert_centres(engine, [replace(centre, vacancies=writes % 5)])
        writes += 1
        time.sleep(1.0)
    engine.dispose()
    return writes


def drive(base: str, paths: list[str], seconds: int, connections: int) -> dict[str, Any]:
    if shutil.which("wrk"):
        return run_wrk(base, paths, seconds, connections)
    return asyncio.run(run_httpx(base, paths, seconds, connections))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5000, help="synthetic centres in the store")
    parser.add_argument("--seconds", type=int, default=10, help=f"load per measurement (at most {MAX_SECONDS})")
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument("--rounds", type=int, default=3, help="each scenario is measured once a round; medians")
    parser.add_argument("--writer", action="store_true",
                        help="also measure nearest while a writer changes one centre a second")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    seconds = max(1, min(args.seconds, MAX_SECONDS))

    rng = np.random.default_rng(args.seed)
    paths = [f"/api/centres/nearest?lat={lat:.5f}&lon={lon:.5f}" + ("&inclusive=true" if k % 2 else "")
             for k, (lat, lon) in enumerate(query_points(2000, rng))]
    scenarios = [("ceiling", "bench_api:ceiling_factory", ["/constant"]),
                 ("constant", "bench_api:app_factory", ["/healthz"]),
                 ("nearest", "bench_api:app_factory", paths)]
    if args.writer:
        scenarios.append(("nearest+writer", "bench_api:app_factory", paths))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{tmp}/bench.db"
        engine = open_store(database_url)
        upsert_centres(engine, synthetic_centres(args.n, rng))
        engine.dispose()
        for workers in args.workers:
            # Every scenario's server runs at once, and the scenarios take turns, round after round: a machine
            # whose load changes during the run treats them alike. Each figure is the median over the rounds.
            servers, bases = [], {}
            try:
                for name, factory, _ in scenarios:
                    port = free_port()
                    bases[name] = f"http://127.0.0.1:{port}"
                    servers.append(start_server(database_url, workers, port, factory))
                for name, _, scenario_paths in scenarios:
                    wait_until_up(bases[name], scenario_paths, health="/constant" if name == "ceiling" else "/healthz")
                runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
                for _ in range(args.rounds):
                    for connections in args.connections:
                        for name, _, scenario_paths in scenarios:
                            writer = None
                            if name.endswith("+writer"):
                                writer = ThreadPoolExecutor(1).submit(write_one_centre_a_second, database_url,
                                                                      time.monotonic() + seconds)
                            figures = drive(bases[name], scenario_paths, seconds, connections)
                            if writer is not None:
                                figures["writes"] = writer.result()
                            runs.setdefault((name, connections), []).append(figures)
            finally:
                for server in servers:
                    server.terminate()
                for server in servers:
                    server.wait(timeout=30)
            for (name, connections), measured in runs.items():
                row: dict[str, Any] = {"scenario": name, "workers": workers, "centres": args.n,
                                       "connections": connections, "seconds": seconds, "rounds": len(measured)}
                for key in ("requests_per_s", "p50_ms", "p99_ms", "non_2xx", "writes"):
                    values = [m[key] for m in measured if key in m]
                    if values:
                        row[key] = round(statistics.median(values), 2) if key != "non_2xx" else sum(values)
                row["generator"] = measured[0]["generator"]
                results.append(row)
        print_table(results)
    if args.json:
        args.json.write_text(json.dumps({"results": results}, indent=2))


def print_table(results: list[dict[str, Any]]) -> None:
    """Side by side, per worker count and connections: each scenario's rate and p99, and the targets."""
    print(f"{'workers':>7} {'conns':>5} {'scenario':<15} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'% ceiling':>9} {'p99/ceiling':>11} non-2xx", flush=True)
    for row in results:
        ceiling = next(r for r in results if r["scenario"] == "ceiling" and r["workers"] == row["workers"]
                       and r["connections"] == row["connections"])
        share = 100 * row["requests_per_s"] / ceiling["requests_per_s"]
        ratio = row.get("p99_ms", 0) / max(ceiling.get("p99_ms", 0), 1e-9)
        print(f"{row['workers']:>7} {row['connections']:>5} {row['scenario']:<15} {row['requests_per_s']:>8} "
              f"{row.get('p50_ms', 0):>8} {row.get('p99_ms', 0):>8} {share:>8.0f}% {ratio:>11.2f} "
              f"{row['non_2xx']}" + (f"  ({row['writes']} writes)" if "writes" in row else ""), flush=True)
    for workers in sorted({r["workers"] for r in results}):
        def get(name: str, conns: int, w: int = workers) -> dict[str, Any] | None:
            return next((r for r in results if r["scenario"] == name and r["connections"] == conns
                         and r["workers"] == w), None)

        ceiling16, nearest16 = get("ceiling", 16), get("nearest", 16)
        ceiling64, nearest64, written64 = get("ceiling", 64), get("nearest", 64), get("nearest+writer", 64)
        if ceiling16 and nearest16:
            share = nearest16["requests_per_s"] / ceiling16["requests_per_s"]
            print(f"target (workers={workers}): nearest at 16 connections >= 60% of the ceiling: {share:.0%} "
                  f"{'met' if share >= 0.6 else 'NOT met'}")
        if ceiling64 and nearest64:
            ratio = nearest64["p99_ms"] / ceiling64["p99_ms"]
            print(f"target (workers={workers}): nearest p99 at 64 <= 2x the ceiling's: {ratio:.2f}x "
                  f"{'met' if ratio <= 2 else 'NOT met'}")
        if nearest64 and written64:
            ratio = written64["p99_ms"] / nearest64["p99_ms"]
            print(f"target (workers={workers}): p99 at 64 with a writer <= 2x without: {ratio:.2f}x "
                  f"{'met' if ratio <= 2 else 'NOT met'}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (the scenarios share the machine)")


if __name__ == "__main__":
    main()
