"""The WeChat adapter: a 服务号's callback in front of the dialogue engine (wechatpy reads and writes WeChat's XML).

`WeChatEndpoint.receive(query, body)` is what POST /wechat does:
- the signature is checked (403), an encrypted (安全模式) body is checked and decrypted, and the XML is read (400);
- a delivery WeChat has already made is answered once: the key is the MsgId for a message and FromUserName +
  CreateTime for an event, claimed in the store so that every replica agrees (`InboundLog`);
- the message becomes the engine's Message: text (with "/stop", 退订, 删除我的数据 and numbered choices), voice through
  its Recognition text, a location converted from GCJ-02 to WGS-84, subscribe and SCAN events with a share link's
  scene (like a Telegram deep link), menu clicks; `unsubscribe` stops every message to the user;
- the answer is rendered as plain text (bot/wechat_render.py) and goes back as the passive reply, always within
  `budget` seconds: when the engine or the store is slower, a short holding text goes back at once and the answer
  follows as customer-service messages (客服消息), as do the parts of a long answer after the first.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.events import ClickEvent, ScanEvent, SubscribeEvent, SubscribeScanEvent, UnsubscribeEvent
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.messages import BaseMessage, LocationMessage, TextMessage, VoiceMessage
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot import buttons
from bot.conversations import ConversationStore
from bot.replies import TYPED_COMMANDS, Message, Turn, typed
from bot.store import wechat_inbound
from bot.wechat_render import choice, render
from common import ChannelName, Recipient, as_utc, person_tag, utc_now
from geodata.crs import Crs, to_wgs84

logger = logging.getLogger(__name__)

PATH = "/wechat"
HOLDING = "收到，正在为您查询，请稍候…\nOne moment, please…"
SORRY = ("抱歉，出了点问题，请稍后再试。如遇紧急情况，请拨打 120。\n"
         "Sorry, something went wrong. Please try again later. In an emergency, call 120.")
NO_VOICE = "抱歉，没有听清，请再说一遍或打字告诉我。\nSorry, I could not make that out: please say it again or type it."
KEEP_DELIVERIES = timedelta(days=1)
PURGE_EVERY = timedelta(hours=1)


class BadRequest(ValueError):
    """The body is not a message WeChat could have sent (400)."""


class BadSignature(ValueError):
    """The signature does not match the token (403)."""


class DialogueEngine(Protocol):
    conversations: ConversationStore

    def handle(self, session: str, message: Message) -> Turn: ...


class Subscriptions(Protocol):
    def stop(self, recipient: Recipient) -> bool: ...


class Users(Protocol):
    """What the channel keeps about WeChat users (messaging.wechat.WeChatUsers)."""

    def seen(self, openid: str, following: bool = True) -> None: ...

    def unfollowed(self, openid: str) -> None: ...


class Pusher(Protocol):
    """Sends customer-service text messages (messaging.wechat.WeChatApi)."""

    def send_text(self, openid: str, text: str) -> None: ...


def recipient(openid: str) -> Recipient:
    return Recipient(ChannelName.wechat, openid)


# -- deliveries answered once ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    state: str  # working, passive (its reply went back) or pushed (its answer went as customer-service messages)
    reply: str | None


class InboundLog:
    """The deliveries already taken, in the store: WeChat retries a callback up to three times."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.clock = clock
        self._purged_at: datetime | None = None

    def claim(self, key: str) -> Delivery | None:
        """None when this delivery is new (and now ours); else what became of the first one."""
        now = as_utc(self.clock())
        with self.engine.begin() as conn:
            insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
            taken = conn.execute(insert(wechat_inbound).values(key=key, received_at=now, state="working")
                                 .on_conflict_do_nothing().returning(wechat_inbound.c.key)).first()
        if self._purged_at is None or now - self._purged_at >= PURGE_EVERY:
            self._purged_at = now
            with self.engine.begin() as conn:
                conn.execute(delete(wechat_inbound).where(wechat_inbound.c.received_at < now - KEEP_DELIVERIES))
        return None if taken is not None else self.get(key)

    def get(self, key: str) -> Delivery | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(wechat_inbound.c.state, wechat_inbound.c.reply)
                               .where(wechat_inbound.c.key == key)).first()
        return Delivery(row.state, row.reply) if row else None

    def settle(self, key: str, state: str, reply: str | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(wechat_inbound).where(wechat_inbound.c.key == key).values(state=state, reply=reply))


def delivery_key(message: BaseMessage) -> str:
    if message.type == "event" or not message.id:
        return f"evt:{message.source}:{message.time}"
    return f"msg:{message.id}"


# -- the endpoint ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What the callback route returns: 200 with a passive reply (XML) or "success"."""

    body: str
    media_type: str = "text/plain"


@dataclass(frozen=True)
class _Result:
    messages: tuple[str, ...] = ()
    duplicate: Delivery | None = None


@dataclass
class WeChatEndpoint:
    token: str
    engine: DialogueEngine
    inbound: InboundLog
    subscriptions: Subscriptions | None = None
    users: Users | None = None
    pusher: Pusher | None = None
    app_id: str = ""
    aes_key: str | None = None
    budget: float = 4.0  # seconds a passive reply may take (WeChat waits 5)
    _locks: weakref.WeakValueDictionary[str, asyncio.Lock] = field(default_factory=weakref.WeakValueDictionary)
    _background: set[asyncio.Task[Any]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.crypto = WeChatCrypto(self.token, self.aes_key, self.app_id) if self.aes_key else None

    # -- URL verification ------------------------------------------------------------------------------------
    def verify(self, signature: str, timestamp: str, nonce: str) -> bool:
        try:
            check_signature(self.token, signature, timestamp, nonce)
        except InvalidSignatureException:
            return False
        return True

    # -- a delivery ------------------------------------------------------------------------------------------
    async def receive(self, query: dict[str, str], body: bytes) -> Answer:
        """Raises BadSignature (403) or BadRequest (400); otherwise answers within `budget` seconds."""
        started = time.monotonic()
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        if not self.verify(query.get("signature", ""), timestamp, nonce):
            raise BadSignature("signature does not match the token")
        encrypted = query.get("encrypt_type", "raw").lower() == "aes"
        message = self._read(body, query, encrypted)
        work = self._spawn(message)
        try:
            result = await asyncio.wait_for(asyncio.shield(work), self.budget - (time.monotonic() - started))
        except TimeoutError:
            self._keep(asyncio.create_task(self._push_late(message.source, delivery_key(message), work)))
            return self._reply(message, HOLDING, encrypted, nonce)
        except Exception:
            logger.exception("WeChat delivery %s failed", delivery_key(message))
            return self._reply(message, SORRY, encrypted, nonce)
        if result.duplicate is not None:
            reply = await self._first_answer(delivery_key(message), result.duplicate, started)
            return self._reply(message, reply, encrypted, nonce) if reply else Answer("success")
        if not result.messages:
            return Answer("success")
        if len(result.messages) > 1:  # the rest of a long answer follows as customer-service messages
            self._keep(asyncio.create_task(self._push(message.source, result.messages[1:])))
        return self._reply(message, result.messages[0], encrypted, nonce)

    def _read(self, body: bytes, query: dict[str, str], encrypted: bool) -> BaseMessage:
        xml: Any = body
        if encrypted:
            if self.crypto is None:
                raise BadRequest("an encrypted message, but CARECIRCLE_WECHAT_AES_KEY is not set")
            try:
                xml = self.crypto.decrypt_message(body, query.get("msg_signature", ""), query.get("timestamp", ""),
                                                  query.get("nonce", ""))
            except InvalidSignatureException as exc:
                raise BadSignature("msg_signature does not match") from exc
            except Exception as exc:  # not XML, no Encrypt, not base64, another AppID
                raise BadRequest(f"cannot decrypt the message: {type(exc).__name__}") from exc
        try:
            message = parse_message(xml)
        except Exception as exc:  # wechatpy raises whatever xmltodict or a missing field raises
            raise BadRequest(f"unreadable XML: {type(exc).__name__}") from exc
        if message is None or not message.source:
            raise BadRequest("not a WeChat message: FromUserName is missing")
        return message

    def _reply(self, message: BaseMessage, text: str, encrypted: bool, nonce: str) -> Answer:
        xml = TextReply(message=message, content=text).render()
        if encrypted and self.crypto is not None:
            xml = self.crypto.encrypt_message(xml, nonce, str(int(time.time())))
        return Answer(xml, "application/xml")

    def _spawn(self, message: BaseMessage) -> asyncio.Task[_Result]:
        """The work for one delivery, one at a time per user, in a worker thread (it touches the store)."""
        lock = self._locks.setdefault(message.source, asyncio.Lock())

        async def work() -> _Result:
            async with lock:
                return await asyncio.to_thread(self._process, message)

        task = asyncio.create_task(work())
        self._keep(task)
        return task

    def _keep(self, task: asyncio.Task[Any]) -> None:
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _first_answer(self, key: str, first: Delivery, started: float) -> str | None:
        """A retried delivery gets the first one's passive reply, or nothing when that went otherwise."""
        while first.state == "working" and time.monotonic() - started < self.budget - 0.3:
            await asyncio.sleep(0.1)
            latest = await asyncio.to_thread(self.inbound.get, key)
            first = latest if latest is not None else first
        return first.reply if first.state == "passive" else None

    async def _push_late(self, openid: str, key: str, work: asyncio.Task[_Result]) -> None:
        """The answer that missed the passive reply goes as customer-service messages."""
        try:
            result = await work
        except Exception:
            logger.exception("WeChat delivery %s failed after the passive reply", key)
            result = _Result((SORRY,))
        if result.duplicate is not None or not result.messages:
            return
        await asyncio.to_thread(self.inbound.settle, key, "pushed")
        await self._push(openid, result.messages)

    async def _push(self, openid: str, messages: tuple[str, ...]) -> None:
        if self.pusher is None:
            logger.warning("an answer to %s could not be sent: set CARECIRCLE_WECHAT_APP_ID and _APP_SECRET",
                           person_tag(openid))
            return
        for text in messages:
            try:
                await asyncio.to_thread(self.pusher.send_text, openid, text)
            except Exception:
                logger.exception("a customer-service message to %s failed", person_tag(openid))
                return

    async def drain(self) -> None:
        """Waits for the answers still being worked on or pushed (at shutdown, and in tests)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    # -- in the worker thread --------------------------------------------------------------------------------
    def _process(self, message: BaseMessage) -> _Result:
        key = delivery_key(message)
        first = self.inbound.claim(key)
        if first is not None:
            return _Result(duplicate=first)
        openid = message.source
        if isinstance(message, UnsubscribeEvent):
            if self.users is not None:
                self.users.unfollowed(openid)
            if self.subscriptions is not None:
                self.subscriptions.stop(recipient(openid))  # every message to this user stops
            self.inbound.settle(key, "passive")
            return _Result()
        incoming = self._message_for(message)
        if incoming is None:  # a menu link opened, a location report, a template's delivery report
            self.inbound.settle(key, "passive")
            return _Result()
        if self.users is not None:
            self.users.seen(openid)
        if isinstance(message, VoiceMessage) and not message.recognition:  # voice recognition is off, or failed
            self.inbound.settle(key, "passive", NO_VOICE)
            return _Result((NO_VOICE,))
        session = recipient(openid).session
        conversations = self.engine.conversations
        if incoming.text and not incoming.command:
            picked = choice(incoming.text, conversations.load(session).choices)
            if picked is not None:
                incoming = Message(button=picked, recipient=incoming.recipient)
        turn = self.engine.handle(session, incoming)
        state = conversations.load(session)
        rendered = render(turn.replies, state.language)
        if rendered.choices or state.choices:
            state.choices = list(rendered.choices)
            conversations.save(session, state)
        messages = rendered.messages
        self.inbound.settle(key, "passive", messages[0] if messages else None)
        return _Result(messages)

    def _message_for(self, message: BaseMessage) -> Message | None:
        """The engine's Message for a WeChat message or event; None for what needs no answer."""
        who = recipient(message.source)
        if isinstance(message, TextMessage):
            return typed(message.content or "", who)
        if isinstance(message, VoiceMessage):
            return Message(text=message.recognition or "", recipient=who)
        if isinstance(message, LocationMessage):
            lat, lon = to_wgs84(float(message.location_x), float(message.location_y), Crs.gcj02)
            return Message(location=(lat, lon), recipient=who)
        if isinstance(message, SubscribeScanEvent | ScanEvent):  # a share link's QR code: like a deep link
            return Message(command="start", argument=str(message.scene_id or ""), recipient=who)
        if isinstance(message, SubscribeEvent):
            return Message(command="start", recipient=who)
        if isinstance(message, ClickEvent):
            key = str(message.key or "")
            if key.startswith("cmd:") and key[4:] in TYPED_COMMANDS:
                return Message(command=key[4:], recipient=who)
            return Message(button=key, recipient=who)
        if message.type == "event":
            return None
        return Message(text="", recipient=who)  # an image, a video, a link: the engine says what it understands


# -- the menu ------------------------------------------------------------------------------------------------------

MAX_TOP = 3  # WeChat: at most 3 top-level buttons …
MAX_SUB = 5  # … with at most 5 sub-buttons each
TOP_NAME_BYTES, SUB_NAME_BYTES, KEY_BYTES = 16, 60, 128


def menu(web_url: str = "") -> dict[str, Any]:
    """The account's menu: 找托育 (nearby, check a filing, fees and subsidies), 育儿 (guidance, subscribe, stop) and
    产假·更多 (leave, complaints, the web pages, English). Each click's key is the engine's button data, or cmd:<name>
    for a command. Install it with `carecircle wechat menu`."""
    def click(name: str, key: str) -> dict[str, str]:
        return {"type": "click", "name": name, "key": key}

    def flow(name: str, intent: str) -> dict[str, str]:
        return click(name, buttons.encode(buttons.Menu(intent)))

    more = [flow("产假与陪产假", "leave"), flow("投诉举报", "complaint"), click("English", "cmd:language")]
    if web_url:
        more.insert(2, {"type": "view", "name": "网页版", "url": web_url.rstrip("/") + "/"})
    return {"button": [
        {"name": "找托育", "sub_button": [flow("附近的托育机构", "find_centre"), flow("查备案", "check_centre"),
                                        flow("收费与补贴", "subsidy")]},
        {"name": "育儿", "sub_button": [flow("育儿指导", "guidance"), flow("订阅月龄提醒", "subscribe"),
                                       click("退订", "cmd:stop"), click("删除我的数据", "cmd:forget")]},
        {"name": "产假·更多", "sub_button": more},
    ]}


def menu_problems(spec: dict[str, Any]) -> list[str]:
    """What WeChat would refuse in a menu: too many buttons, names or keys too long."""
    problems = []
    top = spec.get("button", [])
    if len(top) > MAX_TOP:
        problems.append(f"{len(top)} top-level buttons; WeChat allows {MAX_TOP}")
    for item in top:
        if len(item["name"].encode()) > TOP_NAME_BYTES:
            problems.append(f"top-level name {item['name']!r} is over {TOP_NAME_BYTES} bytes")
        subs = item.get("sub_button", [])
        if len(subs) > MAX_SUB:
            problems.append(f"{item['name']!r} has {len(subs)} sub-buttons; WeChat allows {MAX_SUB}")
        for sub in subs:
            if len(sub["name"].encode()) > SUB_NAME_BYTES:
                problems.append(f"name {sub['name']!r} is over {SUB_NAME_BYTES} bytes")
            if len(sub.get("key", "").encode()) > KEY_BYTES:
                problems.append(f"key {sub['key']!r} is over {KEY_BYTES} bytes")
    return problems
