"""Liveness, readiness and store outages.

- `GET /healthz` is liveness only: the process answers. It never touches the store, so an orchestrator does not
  restart a healthy process because its database is down.
- `GET /readyz` is readiness: the store answers, the in-memory index follows the store's registry version, and
  the channels that are configured (the Telegram bot and the broadcast sender) run. Otherwise 503, with the reason
  and Retry-After, so that a load balancer sends parents elsewhere.
- A request that meets a store outage (down, restarting, a dropped connection, no free connection, SQLite
  locked) is answered 503 with Retry-After: the contract's error shape for `/api/…`, the error page for pages.
  Never a bare 500. Any other database error is a 500 in the same shapes, logged without the values the driver's
  message may quote (session keys, conversation state).
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import exc

from api.db import is_store_outage, store_problem
from api.errors import RETRY_AFTER, error_json, wants_english
from api.i18n import msg
from api.schemas import Healthy, ReadyOut
from api.services import Services
from api.web import render, wants_html
from geodata.store import registry_version

logger = logging.getLogger(__name__)

RETRY_AFTER_S = 5  # how soon a client may try again after a store outage
PROBE_TIMEOUT_S = 2.0  # /readyz waits this long for the store
INDEX_GRACE_S = 10.0  # the index may lag the store this long (each replica re-reads the version every 2 s)

router = APIRouter(tags=["service"])

READY_EXAMPLE = {"status": "ready", "checks": {
    "store": {"ok": True}, "index": {"ok": True, "version": 7, "store_version": 7, "centres": 1234},
    "telegram": {"ok": True, "state": "running"}, "sender": {"ok": True, "state": "running"}}}
HEALTHY = b'{"status":"ok"}'


@router.get("/healthz", summary="Liveness: the process answers (the store is not asked)",
            responses={200: {"model": Healthy, "description": "the process answers"}})
async def healthz() -> Response:
    return Response(HEALTHY, media_type="application/json")  # async and constant: no thread hop, no encoding


@router.get("/readyz", summary="Readiness: the store, the index version and the configured channels",
            responses={200: {"model": ReadyOut, "description": "ready",
                             "content": {"application/json": {"example": READY_EXAMPLE}}},
                       503: {"model": ReadyOut, "headers": RETRY_AFTER,
                             "description": "not ready: `reason` says why; Retry-After says when to ask again"}})
async def readyz(request: Request) -> JSONResponse:
    probe: Readiness = request.app.state.readiness
    checks = await probe.check()
    failing = [f"{name}: {check['reason']}" for name, check in checks.items() if not check["ok"]]
    if failing:
        return JSONResponse(status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)},
                            content={"status": "unavailable", "reason": "; ".join(failing), "checks": checks})
    return JSONResponse({"status": "ready", "checks": checks})


@dataclass
class Readiness:
    """Runs the store and index check on a thread of its own, one at a time, and waits at most
    PROBE_TIMEOUT_S: a store that hangs (a half-open connection) makes /readyz answer 503 promptly instead of
    hanging the probe, and never piles up threads. An index still being built (the first build of a process that
    was not warmed) is not ready either, and says so: the store answered."""

    services: Services
    channels: dict[str, str] = field(default_factory=dict)  # "telegram"/"sender" → "starting"/"running"/"failed: …"
    # Live states, read at each check (the bot's Application knows whether it still runs).
    probes: dict[str, Callable[[], str]] = field(default_factory=dict)
    timeout: float = PROBE_TIMEOUT_S
    clock: Callable[[], float] = time.monotonic
    _running: asyncio.Future[dict[str, Any]] | None = field(default=None, init=False)
    _started_at: float = field(default=0.0, init=False)
    _behind_since: tuple[int, float] | None = field(default=None, init=False)  # (store version, since when)
    _store_answered: bool = field(default=False, init=False)  # the running probe is past the store's query

    async def check(self) -> dict[str, dict[str, Any]]:
        checks = await self._store_and_index()
        states = {**self.channels, **{name: probe() for name, probe in self.probes.items()}}
        for name, state in states.items():
            checks[name] = {"ok": state == "running", "state": state,
                            **({} if state == "running" else {"reason": f"{name} is {state}"})}
        return checks

    async def _store_and_index(self) -> dict[str, dict[str, Any]]:
        if self._running is None or self._running.done():
            self._store_answered = False
            self._running = asyncio.get_running_loop().run_in_executor(None, self._probe)
            self._started_at = self.clock()
        waited = self.clock() - self._started_at
        try:
            return await asyncio.wait_for(asyncio.shield(self._running), max(0.0, self.timeout - waited) or 0.01)
        except TimeoutError:
            reason = f"no answer within {self.timeout:g} s"
            if self._store_answered:  # the store answered; the index is still being built or brought up to date
                return {"store": {"ok": True}, "index": {"ok": False, "reason": f"still loading: {reason}"}}
            return {"store": {"ok": False, "reason": reason},
                    "index": {"ok": False, "reason": "the store did not answer"}}

    def _probe(self) -> dict[str, dict[str, Any]]:
        try:
            store_version = registry_version(self.services.engine)
        except exc.SQLAlchemyError as error:
            return {"store": {"ok": False, "reason": f"unreachable: {store_problem(error)}"},
                    "index": {"ok": False, "reason": "the store did not answer"}}
        store = {"ok": True}
        self._store_answered = True
        try:
            snapshot = self.services.registry.snapshot()
        except exc.SQLAlchemyError as error:
            return {"store": store, "index": {"ok": False, "reason": f"cannot load: {store_problem(error)}"}}
        index: dict[str, Any] = {"ok": True, "version": snapshot.version, "store_version": store_version,
                                 "centres": len(snapshot.by_id)}
        if snapshot.version >= store_version:
            self._behind_since = None
        else:  # a write moments ago: each replica catches up within seconds; longer means it is stuck
            if self._behind_since is None or self._behind_since[0] != store_version:
                self._behind_since = (store_version, self.clock())
            if self.clock() - self._behind_since[1] > INDEX_GRACE_S:
                index.update(ok=False, reason=f"the index is at version {snapshot.version}, the store at "
                                              f"{store_version}, for more than {INDEX_GRACE_S:g} s")
        return {"store": store, "index": index}


Job = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


def watched(readiness: Readiness, name: str, job: Job) -> Job:
    """A background job (the sender) whose state /readyz reports: running until it stops or fails."""

    readiness.channels[name] = "starting"

    async def run(stop: asyncio.Event) -> None:
        readiness.channels[name] = "running"
        try:
            await job(stop)
        except BaseException as error:
            readiness.channels[name] = f"failed: {type(error).__name__}"
            raise
        readiness.channels[name] = "stopped"

    return run


# -- store outages and other database errors --------------------------------------------------------------------


async def database_error(request: Request, error: Exception) -> Response:
    """A store outage: 503 with Retry-After. Any other database error: 500. Either way the contract's error shape
    for the API and the error page for browsers, and one log line that holds no parameter, session key or
    conversation state (the driver's message may quote a row's values: only its first line is kept, and the
    chat session, where there is one, is logged as a hash)."""
    outage = is_store_outage(error)
    status = 503 if outage else 500
    tag = getattr(request.state, "session_tag", None)  # set by the rate limit for the web chat: a hash
    where = f"{request.method} {request.url.path}" + (f" (session {tag})" if tag else "")
    if outage:
        logger.warning("store outage on %s: %s", where, store_problem(error))
    else:
        logger.error("database error on %s: %s: %s%s", where, type(error).__name__, store_problem(error),
                     "".join(f" [{line}]" for line in _frames(error)))
    headers = {"Retry-After": str(RETRY_AFTER_S)} if outage else {}
    message = msg("error.store_unavailable") if outage else msg("error.server_error")
    if wants_html(request.scope):
        return render(request, "error.html", {"status": status, "message": message}, status_code=status,
                      headers=headers)
    english = wants_english(request.query_params, request.headers.get("accept-language"))
    return JSONResponse(error_json(status, message.zh, message.en, english=english,
                                   code="store_unavailable" if outage else None), status_code=status, headers=headers)


def _frames(error: BaseException, keep: int = 4) -> list[str]:
    """Where the error came from: the last few frames as file:line function, without locals or messages."""
    frames = traceback.extract_tb(error.__traceback__)[-keep:]
    return [f"{Path(frame.filename).name}:{frame.lineno} {frame.name}" for frame in frames]


def install(app: FastAPI, services: Services) -> Readiness:
    """The health routes, the readiness state on app.state.readiness, and the database-error handler."""
    readiness = Readiness(services)
    app.state.readiness = readiness
    app.include_router(router)
    app.add_exception_handler(exc.SQLAlchemyError, database_error)
    return readiness
