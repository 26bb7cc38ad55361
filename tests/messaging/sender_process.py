"""A broadcast sender in a process of its own, for the tests that kill one (SIGKILL) mid-broadcast.

Usage:
    python -m tests.messaging.sender_process DATABASE_URL BOT_API_BASE_URL TOKEN [--rate 50] [--concurrency 8]

It prints "ready <sender id>" once the bot is initialised, then sends broadcasts until SIGTERM (it then signs off:
gives back its rows and deletes its heartbeat), or until it is killed. Run it from the repository root.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from api.db import make_engine
from messaging.sender import Sender
from messaging.telegram import TelegramChannel, TelegramTransport


class BroadcastsOnly:
    def render(self, slug: str, language: str) -> list[str]:
        raise ValueError("this sender process sends staff broadcasts only")


async def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("api_url")
    parser.add_argument("token")
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    engine = make_engine(args.database_url)  # the test migrated the store
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        async with TelegramTransport(args.token, args.api_url) as transport:
            channel = TelegramChannel(transport, BroadcastsOnly(), rate=args.rate)
            sender = Sender(engine, channel, rate=args.rate, concurrency=args.concurrency)
            print(f"ready {sender.worker_id}", flush=True)
            await sender.run(stop)
    finally:
        engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
