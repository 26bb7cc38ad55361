"""A fake Telegram Bot API server on loopback, for python-telegram-bot's real HTTP client (via `base_url`).

It records every call, answers like Telegram, queues updates for getUpdates, and fails on demand:
429 with retry_after, 403 for a blocked chat, or a dropped connection. A call is recorded when it arrives: a
sendMessage the fake answers with success counts as delivered even if the client is gone before the answer (after
`delay`), as with Telegram.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections import defaultdict, deque
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.server import served_in_thread

TOKEN = "123456:TEST-token-for-the-fake-server"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "托育圈", "username": "carecircle_test_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    status: int = 200  # what the fake answered: 200, or the failure it played
    token: str = TOKEN  # which bot called: tests that run several clients give each a token of its own


@dataclass
class FakeBotApi:
    token: str = TOKEN
    other_tokens: set[str] = field(default_factory=set)  # also accepted, and recorded in Call.token
    calls: list[Call] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)
    delay: float = 0.0  # seconds a sendMessage takes to answer after it arrived (and was delivered), as over a network
    _updates: deque[dict[str, Any]] = field(default_factory=deque)
    _failures: dict[int, deque[tuple[int, int]]] = field(default_factory=lambda: defaultdict(deque))
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _serving: ExitStack = field(default_factory=ExitStack)
    _stopping: bool = False  # a long poll answers at once while the server stops
    port: int = 0

    # -- test controls ---------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def push_update(self, update: dict[str, Any]) -> None:
        with self._lock:
            update.setdefault("update_id", next(self._ids))
            self._updates.append(update)

    def fail_next(self, chat_id: int, status: int = 429, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` sends to this chat fail with `status` (429 carries retry_after)."""
        with self._lock:
            for _ in range(times):
                self._failures[chat_id].append((status, retry_after))

    def sent(self, chat_id: int | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == "sendMessage"
                    and (chat_id is None or int(c.params["chat_id"]) == chat_id)]

    def texts(self, chat_id: int) -> list[str]:
        """Every text sent to the chat, failed attempts included."""
        return [c.params["text"] for c in self.sent(chat_id)]

    def delivered(self, chat_id: int) -> list[str]:
        """The texts the chat received: sends the fake answered with success."""
        return [c.params["text"] for c in self.sent(chat_id) if c.status == 200]

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def methods(self) -> list[str]:
        with self._lock:
            return [c.method for c in self.calls]

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("the fake Bot API did not see what the test waited for")
            time.sleep(0.02)

    async def until(self, predicate: Any, timeout: float = 10.0) -> None:
        """wait_for for async tests: it yields to the event loop (where the bot under test runs)."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("the fake Bot API did not see what the test waited for")
            await asyncio.sleep(0.02)

    # -- server ----------------------------------------------------------------------------------------
    def start(self) -> FakeBotApi:
        app = Starlette(routes=[Route("/bot{token}/{method}", self._handle, methods=["GET", "POST"])])
        base = self._serving.enter_context(served_in_thread(app, lifespan="off"))
        self.port = int(base.rsplit(":", 1)[1])
        return self

    def stop(self) -> None:
        self._stopping = True
        self._serving.close()

    async def _handle(self, request: Request) -> JSONResponse:
        token = request.path_params["token"]
        if token != self.token and token not in self.other_tokens:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401)
        method = request.path_params["method"]
        params = await _params(request)
        call = Call(method, params, time.monotonic(), token=token)
        with self._lock:
            self.calls.append(call)
        if method == "getUpdates":
            return await self._get_updates(params)
        chat_id = int(params["chat_id"]) if "chat_id" in params else None
        if chat_id is not None:
            failure = self._take_failure(chat_id)
            if failure:
                call.status = failure.status_code
                return failure
        if self.delay and method == "sendMessage":
            await asyncio.sleep(self.delay)
        return JSONResponse({"ok": True, "result": self._result(method, params, chat_id)})

    def _take_failure(self, chat_id: int) -> JSONResponse | None:
        with self._lock:
            if chat_id in self.blocked:
                status, retry_after = 403, 0
            elif self._failures[chat_id]:
                status, retry_after = self._failures[chat_id].popleft()
            else:
                return None
        if status == 429:
            return JSONResponse({"ok": False, "error_code": 429, "description": "Too Many Requests: retry later",
                                 "parameters": {"retry_after": retry_after}}, status_code=429)
        if status == 403:
            return JSONResponse({"ok": False, "error_code": 403,
                                 "description": "Forbidden: bot was blocked by the user"}, status_code=403)
        return JSONResponse({"ok": False, "error_code": status, "description": "Internal Server Error"},
                            status_code=status)

    async def _get_updates(self, params: dict[str, Any]) -> JSONResponse:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                while self._updates and self._updates[0]["update_id"] < offset:
                    self._updates.popleft()
                ready = list(self._updates)
            stopping = self._stopping
            if ready or stopping or time.monotonic() >= deadline:
                return JSONResponse({"ok": True, "result": ready})
            await asyncio.sleep(0.02)

    def _result(self, method: str, params: dict[str, Any], chat_id: int | None) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in {"sendMessage", "editMessageText", "sendLocation"}:
            return {"message_id": next(self._ids), "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER,
                    "text": params.get("text", "")}
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True


async def _params(request: Request) -> dict[str, Any]:
    """python-telegram-bot posts form fields whose values are JSON-encoded where they are not strings."""
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.body()
        return dict(json.loads(body)) if body else {}
    form = await request.form()
    params: dict[str, Any] = {}
    for key, value in form.items():
        text = value if isinstance(value, str) else ""
        try:
            params[key] = json.loads(text)
        except ValueError:
            params[key] = text
    return params


# -- updates as Telegram sends them (for push_update, or for a webhook's body) ------------------------------
def user(chat_id: int, language_code: str = "zh-hans") -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "家长", "language_code": language_code}


def message_update(chat_id: int, text: str) -> dict[str, Any]:
    """A private-chat text message; a leading /command gets its bot_command entity, as Telegram marks it."""
    message = _message(chat_id) | {"text": text}
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": message}


def location_update(chat_id: int, latitude: float, longitude: float) -> dict[str, Any]:
    return {"message": _message(chat_id) | {"location": {"latitude": latitude, "longitude": longitude}}}


def callback_update(chat_id: int, data: str) -> dict[str, Any]:
    """A tap on an inline button under an earlier message of the bot."""
    bot_message = {"message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
                   "from": BOT_USER, "text": "…"}
    return {"callback_query": {"id": f"cb{chat_id}{time.monotonic_ns()}", "from": user(chat_id),
                               "chat_instance": str(chat_id), "message": bot_message, "data": data}}


_message_ids = itertools.count(1000)


def _message(chat_id: int) -> dict[str, Any]:
    return {"message_id": next(_message_ids), "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "家长"}, "from": user(chat_id)}
