"""Tail latency under load: 200 concurrent clients on PostgreSQL, one worker, each sending one request a second.

Usage:
    python tests/benchmarks/bench_load.py [--clients 200] [--seconds 30] [--chat-share 0.5] [--centres 5000]
                                          [--database-url URL] [--diagnose] [--json bench-load.json]

Builds a throw-away schema on the PostgreSQL server named by CARECIRCLE_TEST_PG (default
postgresql+psycopg://postgres@127.0.0.1:5432/test), or uses --database-url, with the bundled sample registry
and N synthetic centres. It starts the service exactly as `carecircle serve` runs it (same uvicorn settings, one
process) on a free loopback port, with the rate limit off, then drives it with --clients clients. Each client
keeps one connection and sends one request a second at its own phase: GET /api/centres/nearest round a sample
area or a city, or (with probability --chat-share) POST /api/chat with a parent's message from the held-out
corpus, in its own chat session. Latency is counted from the moment a request was due, not from when it went
out, so a server that falls behind is not flattered (no coordinated omission).

It reports, for nearest and chat: requests, p50/p90/p99/max latency and errors (anything but 200, a broken
connection, or no answer within 10 s), and the server's CPU use. With --diagnose the server also measures
event-loop lag (how late a 10 ms ticker wakes), garbage-collection pauses and the store round trips per
request, and prints them when it stops.

Targets (issue 14, item 6): p99 < 500 ms for nearest and < 1 s for chat, 0 errors. The figures depend on the
machine: on a shared one, note its load average (printed). Only 127.0.0.1 is contacted; every run stops by
itself. pytest never collects this file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_nearest import query_points, synthetic_centres  # noqa: E402

MAX_SECONDS = 300
TIMEOUT_S = 10.0
PG_URL = os.environ.get("CARECIRCLE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SAMPLE_AREA = (39.60, 109.77)  # 阿勒腾席热镇, where the sample registry is


# -- the server ----------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_store(database_url: str, centres: int, rng: np.random.Generator) -> None:
    from api.cli.service import SAMPLE_REGISTRY
    from api.db import open_store
    from geodata.importer import read_registry_file
    from geodata.store import upsert_centres

    engine = open_store(database_url)
    upsert_centres(engine, read_registry_file(SAMPLE_REGISTRY, is_sample=True).accepted)
    if centres:
        upsert_centres(engine, synthetic_centres(centres, rng))
    engine.dispose()


def start_server(database_url: str, port: int, diagnose: Path | None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CARECIRCLE_DATABASE_URL": database_url, "CARECIRCLE_RATE_LIMIT_PER_MINUTE": "0",
           "CARECIRCLE_RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0", "PYTHONPATH": str(ROOT)}
    env.pop("CARECIRCLE_TELEGRAM_TOKEN", None)
    if diagnose:
        env["BENCH_LOAD_DIAGNOSE"] = str(diagnose)
        command = [sys.executable, str(HERE / "bench_load.py"), "--serve", str(port)]
    else:  # exactly `carecircle serve`
        command = [sys.executable, "-c", "from api.cli import main; main()", "serve", "--host", "127.0.0.1",
                   "--port", str(port)]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def serve_with_diagnostics(port: int) -> None:
    """`carecircle serve`, plus a loop-lag ticker, GC pause timing and a store round-trip counter."""
    import gc
    import threading

    from sqlalchemy import event

    from api.cli import service
    from api.cli.common import settings, wire

    report_to = Path(os.environ["BENCH_LOAD_DIAGNOSE"])
    lags: list[float] = []
    pauses: dict[int, list[tuple[float, float]]] = {0: [], 1: [], 2: []}  # (wall ms, CPU ms) per collection
    round_trips = [0]
    started: dict[int, tuple[float, float]] = {}

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        # Wall time includes being descheduled on a busy machine; the thread's CPU time is the collector's own.
        if phase == "start":
            started[info["generation"]] = (time.perf_counter(), time.thread_time())
        elif info["generation"] in started:
            wall, cpu = started.pop(info["generation"])
            pauses[info["generation"]].append(((time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000))

    gc.callbacks.append(on_gc)
    current = settings()
    services = wire(current)
    lock = threading.Lock()

    @event.listens_for(services.engine, "before_cursor_execute")
    def _count(*_: Any) -> None:
        with lock:
            round_trips[0] += 1

    async def ticker() -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append((time.perf_counter() - before - 0.01) * 1000)

    def with_ticker(app: Any) -> Any:
        async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] == "lifespan" and not tasks:  # serving starts: count from here, not the loading
                for times in pauses.values():
                    times.clear()
                tasks.append(asyncio.create_task(ticker()))
            await app(scope, receive, send)
        return wrapped

    tasks: list[asyncio.Task[None]] = []
    # uvicorn raises SIGTERM again once it has shut down; a handler of our own lets the report below be written.
    signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        service.run_server(current, services, "127.0.0.1", port, wrap=with_ticker)
    finally:
        cuts = statistics.quantiles(lags, n=1000, method="inclusive") if len(lags) > 10 else [0.0] * 999
        report_to.write_text(json.dumps({
            "loop_lag_ms": {"p50": round(cuts[499], 2), "p99": round(cuts[989], 2), "p999": round(cuts[998], 2),
                            "max": round(max(lags, default=0), 2), "over_100ms": sum(lag > 100 for lag in lags)},
            "gc_pauses": {f"generation {generation}": {
                "count": len(times), "max_ms": round(max((w for w, _ in times), default=0), 1),
                "max_cpu_ms": round(max((c for _, c in times), default=0), 1),
                "total_ms": round(sum(w for w, _ in times), 1), "total_cpu_ms": round(sum(c for _, c in times), 1)}
                for generation, times in pauses.items()},
            "store_round_trips": round_trips[0],
        }))


def wait_until_up(port: int, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server stopped: " + (process.stderr.read().decode() if process.stderr else ""))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not start within {timeout} s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the clients ---------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"nearest": [], "chat": []})
    errors: dict[str, int] = field(default_factory=lambda: {"nearest": 0, "chat": 0})
    statuses: dict[str, int] = field(default_factory=dict)


class Connection:
    """A minimal keep-alive HTTP/1.1 client: a load generator must cost far less than the server it drives."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> int:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\nAccept: application/json\r\n"
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        header = await self.reader.readuntil(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = next((int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:")), 0)
        await self.reader.readexactly(length)
        if any(line.lower() == "connection: close" for line in lines):
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.writer = None


def chat_messages() -> list[str]:
    messages = []
    for path in sorted((ROOT / "bot" / "understanding" / "corpus" / "heldout").glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            text = line.split("\t", 1)[0].strip()
            if text:
                messages.append(text)
    return messages


async def client(number: int, port: int, until: float, record_from: float, rng: random.Random, chat_share: float,
                 points: list[tuple[float, float]], messages: list[str], figures: Figures) -> None:
    connection = Connection(port)
    session = f"bench-{number}-{uuid.uuid4().hex[:8]}"
    due = time.perf_counter() + rng.random()  # each client at its own phase within the second
    while due < until:
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        if rng.random() < chat_share:
            kind, method, body = "chat", "POST", json.dumps(
                {"session": session, "text": rng.choice(messages)}, ensure_ascii=False).encode()
            path = "/api/chat"
        else:
            lat, lon = rng.choice(points)
            kind, method, body = "nearest", "GET", b""
            path = "/api/centres/nearest?" + urlencode({"lat": f"{lat:.5f}", "lon": f"{lon:.5f}",
                                                        "inclusive": str(rng.random() < 0.5).lower()})
        try:
            status = await asyncio.wait_for(connection.request(method, path, body), TIMEOUT_S)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError):
            connection.close()
            status = 0
        done = time.perf_counter()
        if due >= record_from:
            figures.latencies[kind].append((done - due) * 1000)
            figures.statuses[str(status)] = figures.statuses.get(str(status), 0) + 1
            figures.errors[kind] += status != 200
        due += 1.0
    connection.close()


async def drive(port: int, clients: int, seconds: int, warmup: int, chat_share: float, seed: int) -> Figures:
    rng = random.Random(seed)
    points = [(SAMPLE_AREA[0] + rng.gauss(0, 0.02), SAMPLE_AREA[1] + rng.gauss(0, 0.02)) for _ in range(500)]
    points += query_points(1500, np.random.default_rng(seed))
    messages = chat_messages()
    figures = Figures()
    start = time.perf_counter()
    await asyncio.gather(*(client(k, port, start + warmup + seconds, start + warmup, random.Random(seed * 1000 + k),
                                  chat_share, points, messages, figures) for k in range(clients)))
    return figures


def summary(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49], 1), "p90_ms": round(cuts[89], 1), "p99_ms": round(cuts[98], 1),
            "max_ms": round(max(values), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=30, help=f"measured seconds (at most {MAX_SECONDS})")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of load before measuring")
    parser.add_argument("--chat-share", type=float, default=0.5, help="share of requests that are chat messages")
    parser.add_argument("--centres", type=int, default=5000, help="synthetic centres besides the sample registry")
    parser.add_argument("--database-url", help="use this store instead of a throw-away PostgreSQL schema")
    parser.add_argument("--diagnose", action="store_true", help="loop lag, GC pauses and store round trips")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # internal: the server side of --diagnose
    args = parser.parse_args()
    if args.serve:
        serve_with_diagnostics(args.serve)
        return
    seconds = max(1, min(args.seconds, MAX_SECONDS))

    from sqlalchemy import create_engine, text

    schema = None
    database_url = args.database_url
    admin = None
    if database_url is None:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        database_url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    diagnose = Path(tempfile.mkstemp(suffix=".json")[1]) if args.diagnose else None
    try:
        prepare_store(database_url, args.centres, np.random.default_rng(args.seed))
        port = free_port()
        server = start_server(database_url, port, diagnose)
        print(f"server pid {server.pid} on port {port}", flush=True)  # for a profiler: py-spy record -p PID
        try:
            wait_until_up(port, server)
            cpu_before, wall_before = cpu_seconds(server.pid), time.perf_counter()
            figures = asyncio.run(drive(port, args.clients, seconds, args.warmup, args.chat_share, args.seed))
            cpu = (cpu_seconds(server.pid) - cpu_before) / (time.perf_counter() - wall_before)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    result: dict[str, Any] = {
        "clients": args.clients, "seconds": seconds, "chat_share": args.chat_share, "centres": args.centres,
        "store": "postgresql" if database_url.startswith("postgresql") else database_url.split(":", 1)[0],
        "load_average": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(), "server_cpu": round(cpu, 2),
        "statuses": figures.statuses,
    }
    for kind in ("nearest", "chat"):
        result[kind] = {"requests": len(figures.latencies[kind]), **summary(figures.latencies[kind]),
                        "errors": figures.errors[kind]}
        print(f"{kind:8} {result[kind]}", flush=True)
    print(f"server CPU {result['server_cpu']} cores; load average {result['load_average']} on {result['cpus']} "
          f"CPUs; statuses {figures.statuses}", flush=True)
    if diagnose:
        result["diagnostics"] = json.loads(diagnose.read_text() or "{}")
        diagnose.unlink()
        print(f"diagnostics {result['diagnostics']}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
