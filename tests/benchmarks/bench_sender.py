"""Benchmark of the broadcast sender against the fake Bot API and the fake WeChat API on loopback.

Usage:
    python tests/benchmarks/bench_sender.py [--rate 25] [--seconds 10] [--lifted 3000] [--overhead 20000]
                                            [--store sqlite|URL] [--json out.json]

Measures, each on a fresh store with one broadcast to N subscribers:
- sustained: the configured rate (default 25/s) for `--seconds`, through python-telegram-bot's real HTTP
  client to the fake server; the rate is read from the server's own arrival times. Target: within 5%.
- lifted: no rate limit, `--lifted` messages to the fake server running in a process of its own.
- overhead: no rate limit and a transport that returns at once, so what is left is the sender's own work per
  message (claim, check before each send, record outcomes). Target: at least 1,000 messages a second.
- wechat_sustained and wechat_lifted: the same two runs through the WeChat channel (wechatpy's client, one shared
  access token, customer-service messages inside the 48-hour window) to the fake WeChat API in this process.
Every run also checks that each chat got exactly one message.
The file name does not start with `test_`, so pytest never collects it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for tests.fakes

import itertools

from sqlalchemy import Engine

from api.db import open_store
from messaging.outbox import Broadcasts, Segment
from messaging.sender import Sender
from messaging.store import subscribers
from messaging.telegram import TelegramChannel, TelegramTransport
from messaging.wechat import Templates, WeChatApi, WeChatArticles, WeChatChannel, WeChatUsers
from tests.fakes.telegram import TOKEN, FakeBotApi
from tests.fakes.wechat import APP_ID, APP_SECRET, FakeWeChatApi


class NoPlan:
    def render(self, slug: str, language: str) -> list[str]:
        raise AssertionError("the benchmark sends broadcasts only")


class NullTransport:
    def __init__(self) -> None:
        self.sent: Counter[int] = Counter()

    async def send(self, chat_id: int, text: str, *, html: bool) -> None:
        self.sent[chat_id] += 1


def fresh_store(kind: str, folder: Path, name: str) -> Engine:
    return open_store(f"sqlite:///{folder / name}.db" if kind == "sqlite" else kind)


def one_broadcast(engine: Engine, count: int, first_chat: int) -> None:
    """`count` new subscribers in a county of their own, and a broadcast to that county only."""
    region = f"1506{first_chat // 1_000_000:02d}"
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(subscribers.insert(), [
            {"user_id": str(first_chat + i), "birth_date": date(2025, 1, 1), "region_code": region, "language": "zh",
             "status": "active", "consent_at": now, "created_at": now, "updated_at": now} for i in range(count)])
    broadcasts = Broadcasts(engine)
    broadcasts.send(broadcasts.create("基准测试消息 benchmark message", Segment(regions=(region,)), "bench"))


async def drain(sender: Sender) -> int:
    handled = 0
    while n := await sender.run_once():
        handled += n
    return handled


async def sustained(engine: Engine, fake: FakeBotApi, rate: float, seconds: float) -> dict[str, object]:
    count = int(rate * seconds) + 1
    one_broadcast(engine, count, 1_000_000)
    async with TelegramTransport(fake.token, fake.base_url) as transport:
        await drain(Sender(engine, TelegramChannel(transport, NoPlan()), rate=rate))
    arrivals = sorted(c.at for c in fake.sent() if int(c.params["chat_id"]) >= 1_000_000)
    measured = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    per_chat = Counter(int(c.params["chat_id"]) for c in fake.sent() if int(c.params["chat_id"]) >= 1_000_000)
    return {"configured_per_s": rate, "messages": len(arrivals), "measured_per_s": round(measured, 3),
            "deviation_pct": round(100 * (measured - rate) / rate, 2),
            "busiest_second": max(Counter(int(a - arrivals[0]) for a in arrivals).values()),
            "min_gap_ms": round(1000 * min(gaps), 2), "exactly_once": set(per_chat.values()) == {1}}


# The fake server in a process of its own, so that it does not share this process's interpreter lock.
SERVER = """
import json, sys
from collections import Counter
from tests.fakes.telegram import FakeBotApi
fake = FakeBotApi().start()
print(fake.port, flush=True)
sys.stdin.readline()
print(json.dumps(Counter(int(c.params["chat_id"]) for c in fake.sent())), flush=True)
fake.stop()
"""


async def lifted(engine: Engine, count: int, concurrency: int) -> dict[str, object]:
    one_broadcast(engine, count, 2_000_000)
    root = Path(__file__).resolve().parents[2]
    server = subprocess.Popen([sys.executable, "-c", SERVER], cwd=root, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None and server.stdin is not None
        port = int(server.stdout.readline())
        async with TelegramTransport(TOKEN, f"http://127.0.0.1:{port}/bot", pool_size=concurrency) as transport:
            start = time.perf_counter()
            await drain(Sender(engine, TelegramChannel(transport, NoPlan()), rate=None, concurrency=concurrency))
            elapsed = time.perf_counter() - start
        server.stdin.write("done\n")
        server.stdin.flush()
        per_chat = Counter({int(k): v for k, v in json.loads(server.stdout.readline()).items()})
    finally:
        server.wait(timeout=10)
    return {"messages": sum(per_chat.values()), "concurrency": concurrency, "seconds": round(elapsed, 2),
            "per_s": round(count / elapsed, 1), "exactly_once": set(per_chat.values()) == {1}}


async def overhead(engine: Engine, count: int) -> dict[str, object]:
    one_broadcast(engine, count, 3_000_000)
    transport = NullTransport()
    start = time.perf_counter()
    await drain(Sender(engine, TelegramChannel(transport, NoPlan()), rate=None))
    elapsed = time.perf_counter() - start
    return {"messages": sum(transport.sent.values()), "seconds": round(elapsed, 2),
            "per_s": round(count / elapsed, 1), "us_per_message": round(1e6 * elapsed / count, 1),
            "exactly_once": set(transport.sent.values()) == {1}}


def wechat_channel(engine: Engine, fake: FakeWeChatApi, rate: float | None) -> WeChatChannel:
    api = WeChatApi(engine, APP_ID, APP_SECRET, fake.base_url)
    articles = WeChatArticles.__new__(WeChatArticles)  # broadcasts only: no article is rendered
    return WeChatChannel(api, WeChatUsers(engine), articles, Templates(), lambda _: None, rate=rate)


def wechat_broadcast(engine: Engine, count: int, first: int) -> list[str]:
    """`count` WeChat subscribers who wrote lately (inside the 48-hour window), and a broadcast to them."""
    region = f"1506{first // 1_000_000:02d}"
    now = datetime.now(UTC)
    openids = [f"o-bench-{first + i}" for i in range(count)]
    with engine.begin() as conn:
        conn.execute(subscribers.insert(), [
            {"channel": "wechat", "user_id": openid, "birth_date": date(2025, 1, 1), "region_code": region,
             "language": "zh", "status": "active", "consent_at": now, "created_at": now, "updated_at": now}
            for openid in openids])
    users = WeChatUsers(engine)
    for openid in openids:
        users.seen(openid)
    broadcasts = Broadcasts(engine)
    broadcasts.send(broadcasts.create("基准测试消息 benchmark message", Segment(regions=(region,)), "bench"))
    return openids


async def wechat_sustained(engine: Engine, rate: float, seconds: float) -> dict[str, object]:
    fake = FakeWeChatApi().start()
    try:
        openids = wechat_broadcast(engine, int(rate * seconds) + 1, 4_000_000)
        await drain(Sender(engine, wechat_channel(engine, fake, rate), rate=rate))
        calls = [c for c in fake.delivered() if c.touser in set(openids)]
    finally:
        fake.stop()
    arrivals = sorted(c.at for c in calls)
    measured = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    per_user = Counter(c.touser for c in calls)
    return {"configured_per_s": rate, "messages": len(arrivals), "measured_per_s": round(measured, 3),
            "deviation_pct": round(100 * (measured - rate) / rate, 2),
            "exactly_once": set(per_user.values()) == {1} and len(per_user) == len(openids)}


async def wechat_lifted(engine: Engine, count: int, concurrency: int) -> dict[str, object]:
    fake = FakeWeChatApi().start()
    try:
        openids = wechat_broadcast(engine, count, 5_000_000)
        start = time.perf_counter()
        await drain(Sender(engine, wechat_channel(engine, fake, None), rate=None, concurrency=concurrency))
        elapsed = time.perf_counter() - start
        per_user = Counter(c.touser for c in fake.delivered())
        tokens = len(fake.calls_to("token"))
    finally:
        fake.stop()
    return {"messages": sum(per_user.values()), "concurrency": concurrency, "seconds": round(elapsed, 2),
            "per_s": round(count / elapsed, 1), "tokens_fetched": tokens,
            "exactly_once": set(per_user.values()) == {1} and len(per_user) == len(openids)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=25.0, help="configured rate for the sustained run")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the sustained run")
    parser.add_argument("--lifted", type=int, default=3000, help="messages for the run with limits lifted")
    parser.add_argument("--concurrency", type=int, default=8, help="sends in flight in the lifted run")
    parser.add_argument("--overhead", type=int, default=20000, help="messages for the null-transport run")
    parser.add_argument("--wechat-rate", type=float, default=20.0, help="configured WeChat rate, sustained run")
    parser.add_argument("--wechat-lifted", type=int, default=1000, help="messages for the WeChat run, no limit")
    parser.add_argument("--store", default="sqlite", help="'sqlite' (a temporary file) or a PostgreSQL URL")
    parser.add_argument("--json", dest="json_path", help="also write the figures to this file")
    args = parser.parse_args(argv)

    fake = FakeBotApi().start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-sender-") as folder:
            results = {
                "store": "sqlite" if args.store == "sqlite" else "postgresql",
                "sustained": asyncio.run(sustained(fresh_store(args.store, Path(folder), "a"), fake,
                                                   args.rate, args.seconds)),
                "lifted_fake_server": asyncio.run(lifted(fresh_store(args.store, Path(folder), "b"),
                                                         args.lifted, args.concurrency)),
                "overhead_null_transport": asyncio.run(overhead(fresh_store(args.store, Path(folder), "c"),
                                                                args.overhead)),
                "wechat_sustained": asyncio.run(wechat_sustained(fresh_store(args.store, Path(folder), "d"),
                                                                 args.wechat_rate, args.seconds)),
                "wechat_lifted_fake_server": asyncio.run(wechat_lifted(fresh_store(args.store, Path(folder), "e"),
                                                                       args.wechat_lifted, args.concurrency)),
            }
    finally:
        fake.stop()
    sustained_ok = abs(float(results["sustained"]["deviation_pct"])) <= 5  # type: ignore[index]
    wechat_ok = abs(float(results["wechat_sustained"]["deviation_pct"])) <= 5  # type: ignore[index]
    results["targets_met"] = {
        "sustained_within_5pct": sustained_ok,
        "wechat_sustained_within_5pct": wechat_ok,
        "overhead_at_least_1000_per_s": float(results["overhead_null_transport"]["per_s"]) >= 1000,  # type: ignore[index]
        "exactly_once_everywhere": all(r["exactly_once"] for r in results.values() if isinstance(r, dict)
                                       and "exactly_once" in r),
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0 if all(results["targets_met"].values()) else 1  # type: ignore[union-attr]


if __name__ == "__main__":
    sys.exit(main())
