"""A real sender process killed (SIGKILL) mid-broadcast, and another started, against the fake Bot API.

The second sender takes the dead one's rows over, sends again exactly the messages that were in flight when the
first died (at most the concurrency), loses none, and the report's `sent` counts each delivery the API confirmed
once. How soon it takes over is the lease's rule (5 s: messaging.outbox.LEASES), asserted on a fake clock in
test_sender.py; here the seconds are only printed, since a loaded machine stretches them.

The kill point is random; the seed is in every failure message. `CARECIRCLE_TEST_KILL_RUNS=20` runs it 20 times a
store, each at a kill point of its own:

    CARECIRCLE_TEST_KILL_RUNS=20 CI=true python -m pytest tests/messaging/test_sender_kill.py

Nothing here waits a fixed time: it waits for what it reads, with generous deadlines.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import Engine, select

from messaging.store import outbox, subscribers
from tests.fakes.telegram import TOKEN, FakeBotApi
from tests.messaging.test_sender import add_families, broadcast, report

ROOT = Path(__file__).resolve().parents[2]
RECIPIENTS = 100
FIRST_CHAT = 70_000
RATE = 50.0
CONCURRENCY = 8
LATENCY = 0.2  # each send takes 0.2 s to answer, so that up to CONCURRENCY are in flight at the kill
TOKENS = {"first": TOKEN.split(":")[0] + ":first-sender", "second": TOKEN.split(":")[0] + ":second-sender"}
DEADLINE_S = 120.0  # for waiting only: far beyond what any run needs, even on a loaded machine
RUNS = int(os.environ.get("CARECIRCLE_TEST_KILL_RUNS", "1"))


class SenderProcess:
    """`python -m tests.messaging.sender_process` with a bot token of its own, so the fake knows its calls."""

    def __init__(self, database_url: str, fake: FakeBotApi, name: str, log_dir: Path) -> None:
        self.log_path = log_dir / f"{name}.log"
        self._log: IO[str] = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.messaging.sender_process", database_url, fake.base_url, TOKENS[name],
             "--rate", str(RATE), "--concurrency", str(CONCURRENCY)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=self._log, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put("")

    def ready(self) -> str:
        """Waits for the process to run; returns its sender id."""
        try:
            line = self._lines.get(timeout=DEADLINE_S)
        except queue.Empty:
            line = ""
        if not line.startswith("ready "):
            self.close()
            raise AssertionError(f"the sender process did not start: {self.log_path.read_text()[-2000:]}")
        return line.split()[1]

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=DEADLINE_S)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(timeout=DEADLINE_S) == 0, self.log_path.read_text()[-2000:]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._log.close()


@pytest.fixture
def sender_processes(tmp_path: Path) -> Iterator[list[SenderProcess]]:
    started: list[SenderProcess] = []
    yield started
    for process in started:
        process.close()


def wait_until(condition: Callable[[], bool], what: str) -> float:
    """Polls until `condition` holds; returns when (time.monotonic())."""
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {DEADLINE_S:.0f} s for {what}")
        time.sleep(0.02)
    return time.monotonic()


@pytest.mark.slow
@pytest.mark.parametrize("run", range(RUNS))
def test_a_sender_killed_mid_broadcast_is_taken_over_and_repeats_only_what_was_in_flight(
        store: Engine, tmp_path: Path, sender_processes: list[SenderProcess], run: int) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    kill_after = rng.randint(1, RECIPIENTS - 20)  # deliveries by the first sender before it is killed
    chats = range(FIRST_CHAT, FIRST_CHAT + RECIPIENTS)
    add_families(store, chats)
    broadcast_id = broadcast(store)
    url = store.url.render_as_string(hide_password=False)
    fake = FakeBotApi(delay=LATENCY, other_tokens=set(TOKENS.values())).start()
    try:
        def delivered(name: str) -> list[int]:
            return [int(c.params["chat_id"]) for c in fake.sent() if c.status == 200 and c.token == TOKENS[name]]

        first = SenderProcess(url, fake, "first", tmp_path)
        sender_processes.append(first)
        first_id = first.ready()
        wait_until(lambda: len(delivered("first")) >= kill_after, f"{kill_after} deliveries by the first sender")
        time.sleep(rng.uniform(0, 0.1))  # a random point between two arrivals, too
        first.kill()
        killed_at = time.monotonic()
        with store.connect() as conn:  # what the store knew when the first sender died
            recorded_at_kill = {int(u) for u in conn.execute(select(subscribers.c.user_id).join(outbox).where(
                outbox.c.broadcast_id == broadcast_id, outbox.c.status == "sent")).scalars()}
            held_at_kill = {int(u) for u in conn.execute(select(subscribers.c.user_id).join(outbox).where(
                outbox.c.broadcast_id == broadcast_id, outbox.c.status == "queued",
                outbox.c.claimed_by == first_id)).scalars()}

        second = SenderProcess(url, fake, "second", tmp_path)
        sender_processes.append(second)
        second.ready()
        ready_at = time.monotonic()
        done_at = wait_until(lambda: report(store, broadcast_id)["queued"] == 0, "the broadcast to be done")
        second.stop()
    finally:
        fake.stop()

    by_first = delivered("first")  # read now: requests the first sent just before it died arrive late
    context = (f"{store.dialect.name}, seed {seed}: killed after {kill_after} deliveries ({len(by_first)} arrived), "
               f"{len(recorded_at_kill)} recorded")
    assert held_at_kill, f"the first sender held no rows when killed: not mid-broadcast ({context})"
    takeover_at = min(c.at for c in fake.sent() if c.token == TOKENS["second"])
    all_delivered = Counter(by_first + delivered("second"))
    in_flight = set(by_first) - recorded_at_kill  # delivered, not yet recorded: a crash sends these again
    repeated = {chat for chat, n in all_delivered.items() if n > 1}
    got = report(store, broadcast_id)

    assert set(all_delivered) == set(chats), f"lost: {sorted(set(chats) - set(all_delivered))} ({context})"
    assert max(all_delivered.values()) <= 2, context
    assert repeated == in_flight, context  # exactly the messages in flight went twice …
    assert len(in_flight) <= CONCURRENCY, context  # … and there were at most as many as sends run at once
    assert {k: got[k] for k in ("status", "recipients", "queued", "sent", "failed", "blocked")} == {
        "status": "done", "recipients": RECIPIENTS, "queued": 0, "sent": RECIPIENTS, "failed": 0, "blocked": 0,
    }, context
    print(f"\n{context}; takeover {takeover_at - killed_at:.2f} s after the kill, second sender ready "
          f"{ready_at - killed_at:.2f} s after it, done {done_at - ready_at:.2f} s after that; "
          f"{len(repeated)} sent twice")
