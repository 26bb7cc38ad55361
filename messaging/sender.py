"""The broadcast sender: claims one channel's outbox rows and sends them within that channel's limits.

One sender runs per channel (messaging/channel.py: Telegram, WeChat), so a paused channel never holds up another.
- A global rate (Telegram: CARECIRCLE_SEND_RATE, default 25/s; None lifts it) and a minimum interval between two
  messages to the same user (Telegram: one a second).
- Quiet hours (CARECIRCLE_QUIET_HOURS, Asia/Shanghai): nothing is sent inside the window; due rows wait.
- RateLimited (Telegram's 429, WeChat's quota 45009): every send of the channel pauses, then the message is tried
  again; a pause longer than LONGEST_HELD_PAUSE_S puts the batch's rows back with a later not_before instead.
  Transient faults (timeouts, network) are retried with backoff (5 s, 10 s, 20 s, …) and recorded as failed after
  `max_attempts` tries. Blocked marks the subscriber blocked. Refused fails the row at once. Misconfigured stops
  the sender.
- Claims are leases with an owner: each sender has an id of its own and writes a heartbeat every second while it
  runs (messaging.outbox.LEASES). When a sender dies, its heartbeat stops, and after the lease (5 s) any other
  sender takes its rows over: within 6 s of the death. On PostgreSQL several senders share the work (FOR UPDATE
  SKIP LOCKED); on SQLite run one sender per channel.
- Just before each send the row is read again: still queued, still this sender's, the subscriber still active. So
  /stop, /forget and a cancelled broadcast take effect before the next send, and a sender whose rows were taken
  over (its heartbeat late) does not send them too.
- Each outcome is written before the sender sends anything more to that user and before the send's slot (one of
  `concurrency`) goes to another row; outcomes that finish together share a transaction. A long item records each
  part as it goes. So at any moment at most `concurrency` messages are accepted by the channel but not yet
  recorded, and a hard kill (power, SIGKILL) repeats at most those: the messages truly in flight. When the sender
  is cancelled it lets the sends in flight finish, records them and gives back the rest, so a restart neither
  repeats nor loses a message.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from time import monotonic

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from common import CHINA_TZ, as_utc, utc_now
from messaging.channel import (
    Blocked,
    Channel,
    Delivered,
    DeliveryError,
    Item,
    Misconfigured,
    RateLimited,
    Refused,
    Transient,
)
from messaging.outbox import (
    LEASES,
    Claimed,
    Clock,
    LeasePolicy,
    Outcome,
    beat,
    claim,
    leave,
    record,
    release,
    still_wanted,
)
from messaging.subscriptions import Subscriptions

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
BACKOFF_FIRST_S = 5.0
BACKOFF_MAX_S = 600.0
LONGEST_HELD_PAUSE_S = 30.0  # a channel pause longer than this puts the batch's rows back for later
BATCH_SECONDS = 4.0  # a batch holds about this much sending at the configured rate


def quiet_until(now: datetime, window: tuple[time, time] | None) -> datetime | None:
    """When the quiet window that `now` falls in ends (UTC), or None outside it. The window is local
    Asia/Shanghai time and may span midnight (21:00-08:00); equal ends mean no quiet hours."""
    if window is None or window[0] == window[1]:
        return None
    start, end = window
    local = as_utc(now).astimezone(CHINA_TZ)
    clock_time = local.time().replace(tzinfo=None)
    if start < end:
        inside, end_day = start <= clock_time < end, local.date()
    else:
        inside = clock_time >= start or clock_time < end
        end_day = local.date() if clock_time < end else local.date() + timedelta(days=1)
    return as_utc(datetime.combine(end_day, end, tzinfo=CHINA_TZ)) if inside else None


class RateLimiter:
    """Paces sends to `rate` a second (None: no limit); a 429 pauses every send until it expires.

    Callers pass one at a time, so sends are spaced by the interval and never burst; a caller woken a little
    late does not push the following slots back, so the sustained rate stays at `rate`.
    """

    def __init__(self, rate: float | None, seconds: Callable[[], float], sleep: Sleep) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self.seconds = seconds
        self.sleep = sleep
        self.next_slot = 0.0
        self.paused_until = 0.0
        self._turn = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, self.seconds() + seconds)

    async def acquire(self) -> None:
        if not self.interval and self.paused_until <= self.seconds():
            return
        async with self._turn:
            while True:
                now = self.seconds()
                ready = max(self.next_slot, self.paused_until)
                if ready <= now + 1e-6:  # datetime clocks count whole microseconds
                    break
                await self.sleep(ready - now)
            self.next_slot = (ready if now - ready < self.interval else now) + self.interval


@dataclass
class _Batch:
    pending: set[int]  # claimed rows whose outcome is not yet recorded
    checks: Connection
    stopping: bool = False
    blocked_users: set[str] = field(default_factory=set)
    unwritten: list[tuple[Outcome, asyncio.Future[None]]] = field(default_factory=list)
    writer: asyncio.Task[None] | None = None


def default_worker_id() -> str:
    """Unique to this sender: the host, the process and a random part (64 characters at most)."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class Sender:
    def __init__(
        self,
        engine: Engine,
        channel: Channel,
        *,
        rate: float | None = 25.0,
        quiet_window: tuple[time, time] | None = None,
        clock: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
        worker_id: str | None = None,
        subscriptions: Subscriptions | None = None,
        leases: LeasePolicy = LEASES,
        max_attempts: int = 5,
        concurrency: int = 8,
        batch_size: int | None = None,
        idle_seconds: float = 1.0,
        schedule_every: timedelta = timedelta(minutes=10),
    ) -> None:
        self.engine = engine
        self.channel = channel
        self.quiet_window = quiet_window
        self.clock = clock
        self.sleep = sleep
        self.worker_id = worker_id or default_worker_id()
        self.subscriptions = subscriptions
        self.leases = leases
        self.max_attempts = max_attempts
        self.concurrency = concurrency
        self.batch_size = batch_size or (max(1, min(200, int(rate * BATCH_SECONDS))) if rate else 500)
        self.idle_seconds = idle_seconds
        self.schedule_every = schedule_every
        self.limiter = RateLimiter(rate, self._seconds, sleep)
        self._user_ready: dict[str, float] = {}
        self._user_locks: dict[str, asyncio.Lock] = {}
        self._last_schedule: datetime | None = None
        self._beat_at = float("-inf")  # time.monotonic() of the last heartbeat written
        self._heart: asyncio.Task[None] | None = None

    def _now(self) -> datetime:
        return as_utc(self.clock())

    def _seconds(self) -> float:
        return self._now().timestamp()

    # -- the lease ----------------------------------------------------------------------------------------

    def _beat(self, conn: Connection | None = None) -> None:
        """Write the heartbeat (in `conn`'s transaction, or in one of its own)."""
        started = monotonic()
        if conn is None:
            with self.engine.begin() as own:
                beat(own, self.worker_id, self.channel.name, self._now())
        else:
            beat(conn, self.worker_id, self.channel.name, self._now())
        self._beat_at = started

    def _lease_is_live(self) -> bool:
        """Whether the last heartbeat is recent enough that no other sender can have taken this one's rows."""
        return monotonic() - self._beat_at < (self.leases.lease - self.leases.heartbeat).total_seconds()

    async def _keep_alive(self, stop: asyncio.Event) -> None:
        """Write the heartbeat every `leases.heartbeat` until `stop` is set: in real time (an injected clock's sleep
        may not wait), and in a thread (a write may wait for SQLite's lock)."""
        while True:
            try:
                await asyncio.wait_for(stop.wait(), self.leases.heartbeat.total_seconds())
                return
            except TimeoutError:
                pass
            try:
                await asyncio.to_thread(self._beat)
            except SQLAlchemyError as exc:  # a late heartbeat only stops sends until one lands (_lease_is_live)
                log.warning("sender %s: cannot write its heartbeat (%s)", self.worker_id, exc)

    def _start_heart(self) -> tuple[asyncio.Task[None], asyncio.Event] | None:
        """Start the heartbeat unless it runs already; returns what the caller must stop, if anything."""
        if self._heart is not None and not self._heart.done():
            return None
        stop = asyncio.Event()
        self._heart = asyncio.create_task(self._keep_alive(stop))
        return self._heart, stop

    @staticmethod
    async def _stop_heart(heart: tuple[asyncio.Task[None], asyncio.Event] | None) -> None:
        """Stop the heartbeat; a write under way finishes first (so it cannot land after the sender signs off)."""
        if heart is not None:
            task, stop = heart
            stop.set()
            await asyncio.wait([task])

    # -- loop ----------------------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop` is set. Store outages are logged and waited out. On the way out (stopped or
        cancelled) the sender gives back its rows and deletes its heartbeat."""
        heart = self._start_heart()
        try:
            while not stop.is_set():
                until = quiet_until(self._now(), self.quiet_window)
                if until is not None:
                    await self._pause(min((until - self._now()).total_seconds(), 60.0), stop)
                    continue
                try:
                    handled = await self.run_once()
                except OperationalError as exc:
                    log.warning("sender %s: the store is unavailable (%s); waiting", self.worker_id, exc)
                    handled = 0
                if handled == 0:
                    await self._pause(self.idle_seconds, stop)
        finally:
            await self._stop_heart(heart)
            try:
                with self.engine.begin() as conn:
                    leave(conn, self.worker_id, self._now())
            except OperationalError as exc:
                log.warning("sender %s: could not sign off (%s); its rows move after the lease", self.worker_id,
                            exc)

    async def _pause(self, seconds: float, stop: asyncio.Event) -> None:
        sleeper = asyncio.ensure_future(self.sleep(max(seconds, 0.0)))
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            stopper.cancel()

    async def run_once(self) -> int:
        """Claim one batch of due rows and send it; returns how many rows were claimed (a row retried later in
        the same drain is claimed, and counted, again)."""
        if quiet_until(self._now(), self.quiet_window) is not None:
            return 0
        if self.subscriptions is not None and (
                self._last_schedule is None or self._now() - self._last_schedule >= self.schedule_every):
            self.subscriptions.queue_due()
            self._last_schedule = self._now()
        now = self._now()
        with self.engine.begin() as conn:
            self._beat(conn)
            rows = claim(conn, self.worker_id, now, self.leases.lease, self.batch_size, channel=self.channel.name)
        if rows:
            await self._deliver_all(rows)
        return len(rows)

    # -- one batch -----------------------------------------------------------------------------------------

    async def _deliver_all(self, rows: Sequence[Claimed]) -> None:
        # One connection, in autocommit, for the check before each send: every read sees the latest commits.
        checks = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        batch = _Batch(pending={r.id for r in rows}, checks=checks)
        gate = asyncio.Semaphore(self.concurrency)
        heart = self._start_heart()
        tasks = [asyncio.create_task(self._deliver(row, batch, gate)) for row in rows]
        try:
            await asyncio.gather(*tasks)
        finally:
            batch.stopping = True
            await asyncio.wait(tasks)  # each lets its send in flight finish and records it
            await self._stop_heart(heart)
            checks.close()
            with self.engine.begin() as conn:
                release(conn, batch.pending, self.worker_id)
            self._forget_idle_users()

    async def _deliver(self, row: Claimed, batch: _Batch, gate: asyncio.Semaphore) -> None:
        # The slot and the user's lock are held until the outcome is written: nothing more goes to the user, and no
        # other row starts in this slot, before a crash could no longer repeat this message.
        async with gate, self._user_locks.setdefault(row.user_id, asyncio.Lock()):
            outcome = await self._send_row(row, batch)
            if outcome is not None:
                await self._record(batch, outcome)
                batch.pending.discard(row.id)

    async def _record(self, batch: _Batch, outcome: Outcome) -> None:
        """Write the outcome, with any others that finished meanwhile (one transaction); returns once written."""
        written: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        batch.unwritten.append((outcome, written))
        if batch.writer is None or batch.writer.done():
            batch.writer = asyncio.create_task(self._write(batch))
        try:
            await asyncio.shield(written)
        except asyncio.CancelledError:  # cancelled meanwhile: the write goes on, and its outcome is known
            batch.stopping = True
            await asyncio.wait([written])
            written.result()

    async def _write(self, batch: _Batch) -> None:
        """Group commit: one write at a time, in a thread, so sends go on meanwhile; the outcomes that arrive during
        a write go together in the next."""
        await asyncio.sleep(0)  # sends that finished in this turn of the event loop join the first write
        while batch.unwritten:
            chosen, batch.unwritten = batch.unwritten, []
            try:
                await asyncio.to_thread(self._write_now, [outcome for outcome, _ in chosen])
            except Exception as exc:
                for _, written in chosen:
                    written.set_exception(exc)
            except BaseException:
                for _, written in chosen:
                    written.cancel()
                raise
            else:
                for _, written in chosen:
                    written.set_result(None)

    def _write_now(self, outcomes: list[Outcome]) -> None:
        with self.engine.begin() as conn:
            record(conn, outcomes, self.worker_id, self._now())

    async def _send_row(self, row: Claimed, batch: _Batch) -> Outcome | None:
        item = Item(row.item, row.language, row.broadcast_text)
        try:
            parts = self.channel.parts(item)
        except Exception as exc:  # an unknown or broken article fails its row, not the sender
            return self._outcome(row, "failed", f"cannot render {row.item}: {exc}")
        first = min(row.parts_sent, len(parts) - 1) if parts else 0  # a retry resumes at the first unsent part
        for part, text in enumerate(parts):
            if part < first:
                continue
            if part > first:  # the parts before went out: recorded before the next one goes
                await self._record(batch, self._outcome(row, "progress", count=False, parts_sent=part))
            retried_pause = False
            while True:
                wait = self._user_ready.get(row.user_id, 0.0) - self._seconds()
                if wait > 0:
                    await self.sleep(wait)
                paused = self.limiter.paused_until - self._seconds()
                if paused > LONGEST_HELD_PAUSE_S:  # a long pause (a quota): put the row back for later
                    return self._outcome(row, "retry", f"channel paused for {paused:.0f}s", count=False,
                                         not_before=self._now() + timedelta(seconds=paused), parts_sent=part)
                await self.limiter.acquire()
                if batch.stopping:
                    return None
                if row.user_id in batch.blocked_users:
                    return self._outcome(row, "blocked", "the user blocked the bot", count=False)
                if quiet_until(self._now(), self.quiet_window) is not None:
                    return self._outcome(row, "released", count=False)
                if not self._lease_is_live():  # the heartbeat is late (a stalled loop, a slow store): renew first
                    self._beat()
                if not still_wanted(batch.checks, row.id, self.worker_id):
                    return self._outcome(row, "released", count=False)
                error, delivered = await self._call(row.user_id, item, text, batch)
                self._user_ready[row.user_id] = self._seconds() + self.channel.per_user_interval
                if error is None:
                    break
                if isinstance(error, RateLimited):
                    seconds = error.seconds
                    self.limiter.pause(seconds)
                    if retried_pause or seconds > LONGEST_HELD_PAUSE_S or batch.stopping:
                        return self._outcome(row, "retry", f"{error} (retry after {seconds:g}s)", count=False,
                                             not_before=self._now() + timedelta(seconds=seconds), parts_sent=part)
                    retried_pause = True
                    continue
                if isinstance(error, Blocked):
                    batch.blocked_users.add(row.user_id)
                return self._failure(row, error, parts_sent=part)
            if delivered is Delivered.whole:
                break
        return self._outcome(row, "sent")

    async def _call(self, user_id: str, item: Item, text: str,
                    batch: _Batch) -> tuple[BaseException | None, Delivered | None]:
        """One send; if the sender is cancelled meanwhile, the send still completes so its outcome is known."""
        send = asyncio.ensure_future(self.channel.send(user_id, item, text))
        try:
            await asyncio.shield(send)
        except asyncio.CancelledError:
            batch.stopping = True
            await asyncio.wait([send])
        except Exception:
            pass  # read from the future below
        error = send.exception()
        return error, None if error is not None else send.result()

    def _failure(self, row: Claimed, error: BaseException, parts_sent: int = 0) -> Outcome:
        message = f"{type(error).__name__}: {error}"
        if isinstance(error, Misconfigured):
            raise error  # the configuration is wrong: stop, rather than fail every message
        if isinstance(error, Blocked):
            return self._outcome(row, "blocked", message)  # the caller skips the user's other rows
        if isinstance(error, Refused):  # trying again will not help
            return self._outcome(row, "failed", message)
        if isinstance(error, Transient | OSError | TimeoutError):  # timeouts, dropped connections, 5xx
            if row.attempts + 1 >= self.max_attempts:
                return self._outcome(row, "failed", f"after {row.attempts + 1} tries: {message}")
            delay = min(BACKOFF_FIRST_S * 2 ** row.attempts, BACKOFF_MAX_S)
            return self._outcome(row, "retry", message, not_before=self._now() + timedelta(seconds=delay),
                                 parts_sent=parts_sent)
        if isinstance(error, DeliveryError):
            return self._outcome(row, "failed", message)
        raise error  # a bug, not a delivery problem

    def _outcome(self, row: Claimed, kind: str, error: str | None = None, *, count: bool = True,
                 not_before: datetime | None = None, parts_sent: int = 0) -> Outcome:
        return Outcome(row, kind, self._now(), error, not_before, count, parts_sent)

    def _forget_idle_users(self) -> None:
        now = self._seconds()
        for user_id in [u for u, ready in self._user_ready.items() if ready <= now]:
            del self._user_ready[user_id]
            lock = self._user_locks.get(user_id)
            if lock is not None and not lock.locked():
                del self._user_locks[user_id]

