"""The WeChat channel: a 服务号's API through wechatpy, one access token shared by every replica, the 48-hour window.

- `TokenStore` keeps the access token in the store. It is refreshed five minutes before it expires, and by one
  replica at a time: the one that fetches holds the token row's lock (SELECT … FOR UPDATE on PostgreSQL, the write
  lock on SQLite, and a thread lock within the process); the others wait and read the new token.
- `WeChatApi` calls the API with wechatpy's client (its own retry is off). 40001/42001/40014 (a token WeChat no longer
  takes) refresh the token and retry once; other error codes raise `WeChatError`.
- `WeChatUsers` keeps when each user last wrote (customer-service messages are allowed for 48 hours after that),
  whether they follow, and the template ids each refused.
- `WeChatChannel` sends outbox items: inside the window as customer-service text (客服消息); outside it, or on
  45015/45047, as a template message (模板消息), then as a subscription message (订阅通知), whichever are configured
  and not refused by the user (43101), carrying the link to the article or notice. 43004 (no longer follows) blocks
  the user; 45009 (daily quota) pauses the channel. With no usable template the row fails with the reason.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import requests
from sqlalchemy import Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite
from wechatpy.client import WeChatClient
from wechatpy.exceptions import WeChatClientException

from common import ChannelName, as_utc, local_day, person_tag, utc_now
from content.guidance.library import Library
from messaging.channel import Blocked, Delivered, Item, Misconfigured, RateLimited, Refused, Transient
from messaging.store import wechat_tokens, wechat_users
from messaging.wechat_format import article_text, broadcast_text, split_text, template_data

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.weixin.qq.com"
WINDOW = timedelta(hours=48)  # customer-service messages are allowed this long after the user's last message
WINDOW_MARGIN = timedelta(minutes=10)  # so that a message queued near the end does not arrive just outside it
TOKEN_MARGIN = timedelta(minutes=5)  # refresh this long before the token expires
QUOTA_PAUSE_S = 3600.0  # 45009: the daily quota is spent; try again in an hour

# Error codes (https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html)
TOKEN_ERRORS = {40001, 40014, 42001}  # invalid or expired access token: refresh and retry once
NOT_FOLLOWING = 43004  # the user does not follow the account (any more)
TEMPLATE_REFUSED = 43101  # the user refused this template or subscription message
QUOTA = 45009  # the API's daily quota is spent
OUTSIDE_WINDOW = {45015, 45047}  # outside the 48-hour window; too many customer-service messages since the user wrote
BAD_CREDENTIALS = {40013, 40125, 40164, 41002, 41004}  # bad AppID or AppSecret, or this server's IP not whitelisted
BUSY = {-1}

T = TypeVar("T")


class WeChatError(Exception):
    """An error code from the WeChat API (errcode None: an HTTP failure)."""

    def __init__(self, errcode: int | None, errmsg: str) -> None:
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


# -- the access token ------------------------------------------------------------------------------------------


class TokenStore:
    """The one access token of an AppID, in the store, shared by every replica."""

    def __init__(self, engine: Engine, app_id: str, fetch: Callable[[], tuple[str, int]],
                 clock: Callable[[], datetime] = utc_now, margin: timedelta = TOKEN_MARGIN) -> None:
        self.engine = engine
        self.app_id = app_id
        self.fetch = fetch  # → (access_token, expires_in seconds), from WeChat
        self.clock = clock
        self.margin = margin
        self._lock = threading.Lock()

    def current(self) -> str:
        """A token that will still be valid for a while (refreshed first if it is about to expire)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(wechat_tokens).where(wechat_tokens.c.app_id == self.app_id)).first()
        if row is not None and self._fresh(row):
            return str(row.access_token)
        return self._refresh(stale=row.access_token if row is not None else None)

    def refresh(self, stale: str) -> str:
        """WeChat refused `stale`: a new token, unless another replica (or thread) got one meanwhile."""
        return self._refresh(stale=stale)

    def fetched(self) -> int:
        with self.engine.connect() as conn:
            count = conn.execute(select(wechat_tokens.c.fetched).where(wechat_tokens.c.app_id == self.app_id))
            return int(count.scalar() or 0)

    def _fresh(self, row: Any) -> bool:
        return bool(row.access_token) and row.expires_at is not None and \
            as_utc(row.expires_at) - self.margin > as_utc(self.clock())

    def _refresh(self, stale: str | None) -> str:
        with self._lock, self.engine.begin() as conn:
            now = as_utc(self.clock())
            insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
            conn.execute(insert(wechat_tokens).values(app_id=self.app_id, fetched=0, updated_at=now)
                         .on_conflict_do_nothing())
            mine = wechat_tokens.c.app_id == self.app_id
            if conn.dialect.name == "sqlite":  # take the write lock now: other processes wait here
                conn.execute(update(wechat_tokens).where(mine).values(fetched=wechat_tokens.c.fetched))
            row = conn.execute(select(wechat_tokens).where(mine).with_for_update()).one()
            if row.access_token and row.access_token != stale and self._fresh(row):
                return str(row.access_token)  # another replica refreshed it while we waited
            token, expires_in = self.fetch()
            conn.execute(update(wechat_tokens).where(mine).values(
                access_token=token, expires_at=now + timedelta(seconds=expires_in),
                fetched=wechat_tokens.c.fetched + 1, updated_at=now))
            log.info("fetched a new WeChat access token for %s (valid %d s)", self.app_id, expires_in)
            return token


# -- the API ---------------------------------------------------------------------------------------------------


class _Session(requests.Session):
    """A requests session whose every request has a timeout (wechatpy's token fetch passes none)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.default_timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().request(*args, **kwargs)


class _Client(WeChatClient):
    """wechatpy's client on a configurable base URL, using the shared token it is handed for each call."""

    def __init__(self, app_id: str, secret: str, api_url: str, timeout: float) -> None:
        super().__init__(app_id, secret, timeout=timeout, auto_retry=False)
        self._http = _Session(timeout)
        self.API_BASE_URL = api_url.rstrip("/") + "/cgi-bin/"
        self.token_for_call = ""

    @property
    def access_token(self) -> str:
        return self.token_for_call

    def fetch_access_token(self) -> dict[str, Any]:
        result: dict[str, Any] = self._fetch_access_token(
            url=self.API_BASE_URL + "token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret})
        return result


class WeChatApi:
    """The calls carecircle makes, synchronous (run them in a thread from async code); thread-safe."""

    def __init__(self, engine: Engine, app_id: str, secret: str, api_url: str = DEFAULT_API_URL,
                 timeout: float = 10.0, clock: Callable[[], datetime] = utc_now) -> None:
        self.app_id = app_id
        self.secret = secret
        self.api_url = api_url
        self.timeout = timeout
        self._local = threading.local()
        self.tokens = TokenStore(engine, app_id, self._fetch_token, clock)

    def _client(self) -> _Client:
        client: _Client | None = getattr(self._local, "client", None)
        if client is None:  # one client (and HTTP session) per thread
            client = self._local.client = _Client(self.app_id, self.secret, self.api_url, self.timeout)
        return client

    def _fetch_token(self) -> tuple[str, int]:
        try:
            result = self._client().fetch_access_token()
        except WeChatClientException as exc:
            raise WeChatError(exc.errcode, str(exc.errmsg)) from exc
        except requests.RequestException as exc:
            raise WeChatError(None, f"{type(exc).__name__}: {exc}") from exc
        return str(result["access_token"]), int(result.get("expires_in", 7200))

    def call(self, action: Callable[[_Client], T]) -> T:
        """One API call with the shared token; a token WeChat refuses is refreshed and the call tried once more."""
        client = self._client()
        for attempt in (1, 2):
            token = self.tokens.current()
            client.token_for_call = token
            try:
                return action(client)
            except WeChatClientException as exc:
                if exc.errcode in TOKEN_ERRORS and attempt == 1:
                    log.info("WeChat refused the access token (%s); refreshing it", exc.errcode)
                    self.tokens.refresh(stale=token)
                    continue
                raise WeChatError(exc.errcode, str(exc.errmsg)) from exc
            except requests.RequestException as exc:
                raise WeChatError(None, f"{type(exc).__name__}: {exc}") from exc
        raise AssertionError("unreachable")

    # The calls ----------------------------------------------------------------------------------------------
    def send_text(self, openid: str, text: str) -> None:
        """A customer-service text message (客服消息): only within 48 hours of the user's last message."""
        self.call(lambda c: c.message.send_text(openid, text))

    def send_template(self, openid: str, template_id: str, data: dict[str, Any], url: str | None) -> None:
        """A template message (模板消息)."""
        self.call(lambda c: c.message.send_template(openid, template_id, data, url=url))

    def send_subscription(self, openid: str, template_id: str, data: dict[str, Any], url: str | None) -> None:
        """A subscription message (订阅通知, message/subscribe/bizsend); `url` is the page it opens."""
        self.call(lambda c: c.message.send_subscribe_message(openid, template_id, data, page=url))

    def create_menu(self, menu: dict[str, Any]) -> None:
        self.call(lambda c: c.menu.create(menu))

    def create_qrcode(self, scene: str) -> tuple[str, str]:
        """A permanent QR code (QR_LIMIT_STR_SCENE) for a scene string: (ticket, the URL the code encodes)."""
        result = self.call(lambda c: c.qrcode.create(
            {"action_name": "QR_LIMIT_STR_SCENE", "action_info": {"scene": {"scene_str": scene}}}))
        return str(result["ticket"]), str(result["url"])


# -- what the channel keeps about users ------------------------------------------------------------------------


class WeChatUsers:
    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    def _upsert(self, openid: str, **values: Any) -> None:
        now = as_utc(self.clock())
        with self.engine.begin() as conn:
            insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
            stmt = insert(wechat_users).values({"openid": openid, "following": True, "refused_templates": [],
                                                "updated_at": now, **values})
            conn.execute(stmt.on_conflict_do_update(index_elements=["openid"],
                                                    set_={"updated_at": now, **values}))

    def seen(self, openid: str, following: bool = True) -> None:
        """The user wrote, tapped the menu, followed or scanned: the 48-hour window opens again."""
        self._upsert(openid, last_seen_at=as_utc(self.clock()), following=following)

    def unfollowed(self, openid: str) -> None:
        self._upsert(openid, following=False)

    def in_window(self, openid: str) -> bool:
        with self.engine.connect() as conn:
            seen = conn.execute(select(wechat_users.c.last_seen_at).where(wechat_users.c.openid == openid)).scalar()
        return seen is not None and as_utc(self.clock()) - as_utc(seen) < WINDOW - WINDOW_MARGIN

    def refused(self, openid: str) -> set[str]:
        with self.engine.connect() as conn:
            found = conn.execute(select(wechat_users.c.refused_templates)
                                 .where(wechat_users.c.openid == openid)).scalar()
        return set(found or ())

    def refuse(self, openid: str, template_id: str) -> None:
        """43101: this user refused this template; it is not tried for them again (the user is not blocked)."""
        refused = sorted(self.refused(openid) | {template_id})
        self._upsert(openid, refused_templates=refused)


# -- the channel -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Templates:
    """The configured template ids (None: that path is off) and the keys of their title and date fields."""

    template_id: str | None = None  # 模板消息
    subscription_id: str | None = None  # 订阅通知
    fields: tuple[str, str] = ("thing1", "time2")

    def kinds(self) -> list[tuple[str, str]]:
        return [(kind, tid) for kind, tid in (("template", self.template_id), ("subscription", self.subscription_id))
                if tid]


class WeChatArticles:
    """Guidance articles as WeChat text (title, summary, link) and their links for template messages."""

    def __init__(self, library: Library, link_for: Callable[[str, str], str | None]) -> None:
        self.library = library
        self.link_for = link_for

    def article(self, slug: str, language: str) -> tuple[str, str, str | None]:
        """(text, title, link) of the article in the language, or Chinese where there is no translation."""
        locale = language if language in self.library.locales_of(slug) else "zh"
        article = self.library.get(slug, locale)
        link = self.link_for(slug, locale)
        return article_text(article, link, language), article.title, link


class WeChatChannel:
    name = ChannelName.wechat.value

    def __init__(self, api: WeChatApi, users: WeChatUsers, articles: WeChatArticles, templates: Templates,
                 notice_link: Callable[[str], str | None], rate: float | None = 20.0, per_user_interval: float = 0.0,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.api = api
        self.users = users
        self.articles = articles
        self.templates = templates
        self.notice_link = notice_link
        self.rate = rate
        self.per_user_interval = per_user_interval
        self.clock = clock

    def parts(self, item: Item) -> list[str]:
        if item.slug is not None:
            return [self.articles.article(item.slug, item.language)[0]]
        if item.broadcast_text is not None:
            return split_text(broadcast_text(item.broadcast_text, item.language))
        raise ValueError(f"unknown outbox item {item.key!r}")

    async def send(self, user_id: str, item: Item, part: str) -> Delivered:
        return await asyncio.to_thread(self._send, user_id, item, part)

    def _send(self, openid: str, item: Item, part: str) -> Delivered:
        if self.users.in_window(openid):
            try:
                self.api.send_text(openid, part)
                return Delivered.part
            except WeChatError as exc:
                if exc.errcode not in OUTSIDE_WINDOW:
                    raise _delivery_error(exc) from exc
                log.info("WeChat %s for %s: switching to the template path", exc.errcode, person_tag(openid))
        return self._send_template(openid, item)

    def _send_template(self, openid: str, item: Item) -> Delivered:
        title, link = self._title_and_link(item)
        data = template_data(self.templates.fields, title, local_day(self.clock()))
        refused = self.users.refused(openid)
        usable = [(kind, tid) for kind, tid in self.templates.kinds() if tid not in refused]
        for kind, template_id in usable:
            try:
                if kind == "template":
                    self.api.send_template(openid, template_id, data, link)
                else:
                    self.api.send_subscription(openid, template_id, data, link)
                return Delivered.whole  # the message links to the whole item
            except WeChatError as exc:
                if exc.errcode != TEMPLATE_REFUSED:
                    raise _delivery_error(exc) from exc
                self.users.refuse(openid, template_id)
        why = "none is configured" if not self.templates.kinds() else "the user refused every configured one"
        raise Refused(f"outside the 48-hour window, and no template or subscription message to use: {why}")

    def _title_and_link(self, item: Item) -> tuple[str, str | None]:
        if item.slug is not None:
            _, title, link = self.articles.article(item.slug, item.language)
            return title, link
        broadcast_id = item.broadcast_id or ""
        return item.broadcast_text or "", self.notice_link(broadcast_id) if broadcast_id else None


def _delivery_error(exc: WeChatError) -> Exception:
    """What a WeChat error code means for the sender."""
    if exc.errcode == NOT_FOLLOWING:
        return Blocked(str(exc))
    if exc.errcode == QUOTA:
        return RateLimited(QUOTA_PAUSE_S, f"daily quota spent ({exc})")
    if exc.errcode in BAD_CREDENTIALS:
        return Misconfigured(str(exc))
    if exc.errcode is None or exc.errcode in BUSY or exc.errcode in TOKEN_ERRORS:
        return Transient(str(exc))
    return Refused(str(exc))
