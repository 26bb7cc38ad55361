"""A fake WeChat API server on loopback, for wechatpy's real HTTP client (via CARECIRCLE_WECHAT_API_URL).

It serves /cgi-bin/token, customer-service (message/custom/send), template (message/template/send), subscription
(message/subscribe/bizsend), menu (menu/create) and QR (qrcode/create) endpoints. It records every call, answers
like WeChat, and fails on demand: any error code for the next calls to a user or endpoint, users who no longer
follow (43004), templates a user refused (43101), a closed 48-hour window (45015) and tokens that expire (42001).

It also builds what WeChat posts to the callback: signed XML, plain or encrypted (安全模式), with wechatpy.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import defaultdict, deque
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import xmltodict
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from tests.fakes.server import served_in_thread

APP_ID = "wx0123456789abcdef"
APP_SECRET = "fake-app-secret-0123456789abcdef"
TOKEN = "carecircle-callback-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as WeChat's console makes them
SENDS = {"message/custom/send", "message/template/send", "message/subscribe/bizsend"}


@dataclass
class Call:
    endpoint: str  # "token", "message/custom/send", …
    params: dict[str, Any]
    body: dict[str, Any]
    at: float
    errcode: int = 0  # what the fake answered

    @property
    def touser(self) -> str | None:
        return self.body.get("touser")

    @property
    def text(self) -> str:
        """A customer-service text's content, or a template's title value."""
        if "text" in self.body:
            return str(self.body["text"]["content"])
        values = [v.get("value", "") for v in (self.body.get("data") or {}).values()]
        return str(values[0]) if values else ""


@dataclass
class FakeWeChatApi:
    app_id: str = APP_ID
    secret: str = APP_SECRET
    expires_in: int = 7200
    calls: list[Call] = field(default_factory=list)
    unfollowed: set[str] = field(default_factory=set)  # 43004 for these users
    refused: set[tuple[str, str]] = field(default_factory=set)  # (openid, template id): 43101
    window_closed: set[str] = field(default_factory=set)  # customer-service messages to these users: 45015
    token_delay: float = 0.0  # seconds the token endpoint takes (to make concurrent fetches overlap)
    _valid_tokens: set[str] = field(default_factory=set)
    _failures: dict[str, deque[int]] = field(default_factory=lambda: defaultdict(deque))
    _expire_after: int | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _serving: ExitStack = field(default_factory=ExitStack)
    port: int = 0

    # -- test controls ---------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail_next(self, target: str, errcode: int, times: int = 1) -> None:
        """The next `times` calls for `target` (an openid, or an endpoint such as "menu/create") fail with
        `errcode`."""
        with self._lock:
            self._failures[target].extend([errcode] * times)

    def expire_tokens(self, after_sends: int = 0) -> None:
        """Every token issued so far stops working (42001), now or after `after_sends` more successful sends."""
        with self._lock:
            if after_sends:
                self._expire_after = after_sends
            else:
                self._valid_tokens.clear()

    def calls_to(self, endpoint: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.endpoint == endpoint]

    def delivered(self, openid: str | None = None) -> list[Call]:
        """Sends WeChat accepted (customer-service, template and subscription messages), in order."""
        with self._lock:
            return [c for c in self.calls if c.endpoint in SENDS and c.errcode == 0
                    and (openid is None or c.touser == openid)]

    def texts(self, openid: str) -> list[str]:
        return [c.text for c in self.delivered(openid)]

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("the fake WeChat API did not see what the test waited for")
            time.sleep(0.02)

    # -- server ----------------------------------------------------------------------------------------
    def start(self) -> FakeWeChatApi:
        app = Starlette(routes=[Route("/cgi-bin/{endpoint:path}", self._handle, methods=["GET", "POST"])])
        base = self._serving.enter_context(served_in_thread(app, lifespan="off"))
        self.port = int(base.rsplit(":", 1)[1])
        return self

    def stop(self) -> None:
        self._serving.close()

    async def _handle(self, request: Request) -> JSONResponse:
        endpoint = request.path_params["endpoint"]
        params = dict(request.query_params)
        raw = await request.body()
        body = json.loads(raw) if raw else {}
        call = Call(endpoint, params, body, time.monotonic())
        if endpoint == "token":
            return self._token(call)
        answer = self._answer(call)
        with self._lock:
            self.calls.append(call)
        return JSONResponse(answer)

    def _token(self, call: Call) -> JSONResponse:
        if call.params.get("appid") != self.app_id or call.params.get("secret") != self.secret:
            call.errcode = 40125
            with self._lock:
                self.calls.append(call)
            return JSONResponse({"errcode": 40125, "errmsg": "invalid appsecret"})
        if self.token_delay:
            time.sleep(self.token_delay)  # a slow token server: overlapping fetches would both arrive here
        token = f"TOKEN-{next(self._ids)}-{time.monotonic_ns()}"
        with self._lock:
            self._valid_tokens.add(token)
            self.calls.append(call)
        return JSONResponse({"access_token": token, "expires_in": self.expires_in})

    def _answer(self, call: Call) -> dict[str, Any]:
        with self._lock:
            errcode = self._errcode(call)
            call.errcode = errcode
            if errcode == 0 and call.endpoint in SENDS and self._expire_after is not None:
                self._expire_after -= 1
                if self._expire_after <= 0:
                    self._valid_tokens.clear()
                    self._expire_after = None
        if errcode:
            return {"errcode": errcode, "errmsg": f"fake error {errcode}"}
        if call.endpoint == "qrcode/create":
            scene = call.body["action_info"]["scene"]["scene_str"]
            return {"ticket": f"TICKET-{scene}", "url": f"http://weixin.qq.com/q/fake-{scene}"}
        if call.endpoint in SENDS - {"message/custom/send"}:
            return {"errcode": 0, "errmsg": "ok", "msgid": next(self._ids)}
        return {"errcode": 0, "errmsg": "ok"}

    def _errcode(self, call: Call) -> int:
        if call.params.get("access_token") not in self._valid_tokens:
            return 42001
        openid = call.touser
        for target in (openid, call.endpoint):
            if target and self._failures[target]:
                return self._failures[target].popleft()
        if call.endpoint in SENDS and openid in self.unfollowed:
            return 43004
        if call.endpoint == "message/custom/send" and openid in self.window_closed:
            return 45015
        if call.endpoint != "message/custom/send" and (openid, call.body.get("template_id")) in self.refused:
            return 43101
        return 0


# -- what WeChat posts to the callback ---------------------------------------------------------------------


def signature(token: str, timestamp: str, nonce: str) -> str:
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    return str(signer.signature)


_msg_ids = itertools.count(int(time.time()) * 1000)
_times = itertools.count(int(time.time()))


def _xml(fields: dict[str, Any]) -> str:
    parts = "".join(f"<{k}>{v}</{k}>" if isinstance(v, int | float) else f"<{k}><![CDATA[{v}]]></{k}>"
                    for k, v in fields.items())
    return f"<xml>{parts}</xml>"


def text_xml(openid: str, content: str, msg_id: int | None = None) -> str:
    return _xml({"ToUserName": "gh_carecircle", "FromUserName": openid, "CreateTime": next(_times),
                 "MsgType": "text", "Content": content, "MsgId": msg_id or next(_msg_ids)})


def voice_xml(openid: str, recognition: str) -> str:
    return _xml({"ToUserName": "gh_carecircle", "FromUserName": openid, "CreateTime": next(_times),
                 "MsgType": "voice", "MediaId": "media", "Format": "amr", "Recognition": recognition,
                 "MsgId": next(_msg_ids)})


def location_xml(openid: str, lat_gcj: float, lon_gcj: float, label: str = "") -> str:
    return _xml({"ToUserName": "gh_carecircle", "FromUserName": openid, "CreateTime": next(_times),
                 "MsgType": "location", "Location_X": lat_gcj, "Location_Y": lon_gcj, "Scale": 15,
                 "Label": label, "MsgId": next(_msg_ids)})


def event_xml(openid: str, event: str, key: str = "", create_time: int | None = None) -> str:
    fields: dict[str, Any] = {"ToUserName": "gh_carecircle", "FromUserName": openid,
                              "CreateTime": create_time or next(_times), "MsgType": "event", "Event": event}
    if key:
        fields["EventKey"] = key
    return _xml(fields)


@dataclass(frozen=True)
class Signed:
    """A callback request: the query string and the body, as WeChat sends them."""

    query: str
    body: str


def signed(xml: str, *, token: str = TOKEN, aes_key: str | None = None, app_id: str = APP_ID,
           bad_signature: bool = False) -> Signed:
    timestamp, nonce = str(int(time.time())), f"n{next(_msg_ids)}"
    query: dict[str, str] = {"timestamp": timestamp, "nonce": nonce,
                             "signature": signature(token, timestamp, nonce), "openid": "x"}
    body = xml
    if aes_key:
        crypto = WeChatCrypto(token, aes_key, app_id)
        envelope = crypto.encrypt_message(xml, nonce, timestamp)  # <xml><Encrypt/><MsgSignature/>…</xml>
        fields = xmltodict.parse(envelope)["xml"]
        query |= {"encrypt_type": "aes", "msg_signature": fields["MsgSignature"]}
        body = _xml({"ToUserName": "gh_carecircle", "Encrypt": fields["Encrypt"]})
    if bad_signature:
        query["signature"] = "0" * 40
    return Signed(urlencode(query), body)


def reply_text(body: str, *, token: str = TOKEN, aes_key: str | None = None, app_id: str = APP_ID) -> str | None:
    """The text of a passive reply (decrypted and its signature checked in safe mode), or None for "success"."""
    if body in ("success", ""):
        return None
    if aes_key:
        fields = xmltodict.parse(body)["xml"]
        body = WeChatCrypto(token, aes_key, app_id).decrypt_message(
            body, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"])
    return str(xmltodict.parse(body)["xml"]["Content"])
