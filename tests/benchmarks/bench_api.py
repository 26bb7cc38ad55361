"""Benchmark of the HTTP API: throughput and p99 of GET /api/centres/nearest, with one worker and with two.

Usage:
    python tests/benchmarks/bench_api.py [--n 5000] [--seconds 10] [--connections 64] [--workers 1 2]
                                         [--json bench-api.json]

Builds a temporary SQLite store of N synthetic centres (clustered round 50 cities, as bench_nearest.py does),
starts `uvicorn --workers W` on a free loopback port serving create_app with the rate limit switched off
(CARECIRCLE_RATE_LIMIT_PER_MINUTE=0), warms it up, then drives it for --seconds with:
- wrk (Debian's `wrk`, one thread, --connections open connections) when it is installed, cycling through
  2,000 query points near the cities (a Lua script picks the next path for each request);
- otherwise a bounded httpx.AsyncClient loop with the same points and concurrency.
It reports requests/s and the p50/p99 latency for each worker count. Target (issue 6): ≥ 1,500 requests/s
with one worker. Only 127.0.0.1 is ever contacted; every run stops by itself. pytest never collects this file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

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


def start_server(database_url: str, workers: int, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CARECIRCLE_DATABASE_URL": database_url, "CARECIRCLE_RATE_LIMIT_PER_MINUTE": "0"}
    command = [sys.executable, "-m", "uvicorn", "bench_api:app_factory", "--factory", "--app-dir", str(HERE),
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning",
               "--no-access-log"]
    return subprocess.Popen(command, env=env, cwd=HERE.parents[1])


def wait_until_up(base: str, paths: list[str], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base, timeout=5) as client:
        while True:
            try:
                if client.get("/healthz").status_code == 200:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5000, help="synthetic centres in the store")
    parser.add_argument("--seconds", type=int, default=10, help=f"load per worker count (at most {MAX_SECONDS})")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    seconds = max(1, min(args.seconds, MAX_SECONDS))

    rng = random.Random(args.seed)
    paths = [f"/api/centres/nearest?lat={lat:.5f}&lon={lon:.5f}" + ("&inclusive=true" if k % 2 else "")
             for k, (lat, lon) in enumerate(query_points(2000, rng))]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{tmp}/bench.db"
        engine = open_store(database_url)
        upsert_centres(engine, synthetic_centres(args.n, rng))
        engine.dispose()
        for workers in args.workers:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            server = start_server(database_url, workers, port)
            try:
                wait_until_up(base, paths)
                if shutil.which("wrk"):
                    figures = run_wrk(base, paths, seconds, args.connections)
                else:
                    figures = asyncio.run(run_httpx(base, paths, seconds, args.connections))
            finally:
                server.terminate()
                server.wait(timeout=30)
            row = {"workers": workers, "centres": args.n, "connections": args.connections, "seconds": seconds,
                   **figures}
            results.append(row)
            print(f"workers={workers}: {row['requests_per_s']} requests/s, p50 {row.get('p50_ms')} ms, "
                  f"p99 {row.get('p99_ms')} ms, non-2xx {row['non_2xx']} ({row['generator']}, "
                  f"{args.connections} connections, {seconds} s, {args.n} centres)", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"endpoint": "GET /api/centres/nearest", "results": results}, indent=2))


if __name__ == "__main__":
    main()
