"""The web layer's plumbing: templates with the message catalogue, security headers, size and rate limits.

create_app installs all of it with one call:

    from api import web
    web.install(app, settings)

which mounts /static, adds the security headers (CSP), the request-body limit, the refusal of NUL bytes in
addresses and the rate limits (per client and per address), and answers unknown pages with an HTML 404 for
browsers. Routes render pages with `render(...)`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.errors import DEFAULT_CODES
from api.i18n import LANGS, Lang, Msg, distance_msg, msg
from api.privacy import session_tag
from api.settings import Settings
from common import china_today
from content.guidance import Article
from content.guidance.render import mark_chinese
from geodata.centre import Centre, Status

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
STATIC_VERSION = "3"  # bump when a static file changes, so phones fetch the new one

LANG_COOKIE = "lang"

# Everything from our own origin; no inline script or style (SVG presentation attributes are not styles).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"geolocation=(self), camera=(), microphone=()"),
)
# FastAPI's interactive docs load Swagger UI from a CDN: they keep the other headers, but no CSP.
CSP_EXEMPT_PREFIXES = ("/docs", "/redoc")

DEFAULT_RATE_PER_MINUTE = 120
DEFAULT_RATE_PER_ADDRESS_PER_MINUTE = 2400  # a whole community behind one carrier-grade NAT address
DEFAULT_MAX_BODY_BYTES = 64 * 1024
UPLOAD_PATHS = frozenset({"/api/admin/registry/import"})
UPLOAD_FILE_MAX_BYTES = 50 * 1024 * 1024  # a registry file: counted on the file itself, by the upload route
UPLOAD_MAX_BYTES = UPLOAD_FILE_MAX_BYTES + 1024 * 1024  # the body: the file plus its multipart framing
# Not limited per IP: static files, the health check, and Telegram's webhook (its servers share few IPs).
RATE_EXEMPT_PREFIXES = ("/static/", "/healthz", "/telegram")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


# --- JSON ---------------------------------------------------------------------------------------------------


def json_bytes(content: Any) -> bytes:
    """UTF-8 JSON, as JSONResponse writes it (non-ASCII kept), but with orjson: several times faster."""
    return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


class FastJSONResponse(JSONResponse):
    """The app's default JSON response: rendered by orjson."""

    def render(self, content: Any) -> bytes:
        return json_bytes(content)


# --- language ---------------------------------------------------------------------------------------------


def request_lang(request: Request) -> Lang:
    """?lang=en|zh first (the switch link), then the cookie it leaves; Chinese by default."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value == "en":
            return "en"
        if value == "zh":
            return "zh"
    return "zh"


def switch_url(request: Request, lang: Lang) -> str:
    """This page in the other language (an article's ?locale= gives way to it)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("lang", "locale")]
    params.append(("lang", lang))
    return request.url.path + "?" + urlencode(params)


@pass_context
def _message(context: Context, key: str, **values: Any) -> str:
    """`{{ _("finder.near_place", place=query.at) }}`: a catalogue message in the page's language."""
    return msg(key, **values)(context.get("lang", "zh"))


def status_meaning(centre: Centre) -> Msg:
    """What a parent should know about this centre's standing (an employer's staff-only nursery says so)."""
    if centre.status is Status.active and not centre.open_to_public:
        return msg("status_meaning.staff_only")
    return msg(f"status_meaning.{centre.status.value}")


@pass_context
def _local(context: Context, value: Any) -> str:
    """`{{ province | local }}`: a domain value that carries both languages, in the page's language."""
    return Msg.of(value)(context.get("lang", "zh"))


@pass_context
def walk_text(context: Context, minutes: float) -> str:
    """约10分钟步行（估算）: always labelled as an estimate."""
    return msg("walk.minutes", n=max(1, round(minutes)))(context.get("lang", "zh"))  # as the bot words it


@pass_context
def distance_text(context: Context, metres: float) -> str:
    return distance_msg(metres)(context.get("lang", "zh"))


def age_window_msg(article: Article) -> Msg:
    """An article's ages: "孕期（出生前）" before birth, "12 个月", or "6–8 个月" (never "0–0 个月")."""
    if article.before_birth:
        return msg("age.before_birth")
    if article.age_from_months == article.age_to_months:
        return msg("age.months", n=article.age_from_months)
    return msg("age.window", low=article.age_from_months, high=article.age_to_months)


@pass_context
def age_window(context: Context, article: Article) -> str:
    return age_window_msg(article)(context.get("lang", "zh"))


@pass_context
def cite_chinese(context: Context, text: str) -> Markup:
    """Domain text in English that quotes Chinese titles (《…》, 〔2021〕62号): the quotes are marked lang="zh-CN"."""
    escaped = str(escape(text))
    return Markup(mark_chinese(escaped) if context.get("lang") == "en" else escaped)


TITLE_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def oneline(value: Any) -> Any:
    """One line of text without control characters, for titles: control characters and line breaks become a
    space. Escaped markup stays escaped (it holds no control characters to begin with)."""
    cleaned = " ".join(TITLE_CONTROLS.sub(" ", str(value)).split())
    return Markup(cleaned) if isinstance(value, Markup) else cleaned


def static_url(path: str) -> str:
    return f"/static/{path}?v={STATIC_VERSION}"


@cache
def environment() -> Environment:
    """The one jinja2 environment: autoescaped, with the bilingual helpers as globals."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "svg", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(_=_message, walk_text=walk_text, distance_text=distance_text, age_window=age_window,
                       static=static_url, reply_html=reply_html, status_meaning=status_meaning, today=china_today)
    env.filters.update(local=_local, cite_chinese=cite_chinese, oneline=oneline)
    return env


def base_url(request: Request) -> str:
    """Where links we hand out point: the configured public URL, else the address the request came to."""
    settings: Settings = request.app.state.services.settings
    return (settings.public_url or str(request.base_url)).rstrip("/")


def bot_username(request: Request) -> str | None:
    settings: Settings = request.app.state.services.settings
    name = (settings.telegram_bot_username or "").lstrip("@")  # "@bot" and "bot" alike
    return name or None


def telegram_link(request: Request, payload: str | None = None) -> str | None:
    """https://t.me/<bot>?start=<payload>, or None when no bot username is configured."""
    name = bot_username(request)
    if not name:
        return None
    return f"https://t.me/{name}" + (f"?start={payload}" if payload else "")


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200, headers: dict[str, str] | None = None, lang: Lang | None = None) -> HTMLResponse:
    """A page: the template with the language (the request's, unless given), the switch link and the site's links
    in its context."""
    lang = lang or request_lang(request)
    values = {
        "request": request, "lang": lang, "other_lang_url": switch_url(request, "en" if lang == "zh" else "zh"),
        "path": request.url.path, "base_url": base_url(request), "bot_link": telegram_link(request),
        "sample": False,
    }
    values.update(context or {})
    html = environment().get_template(template).render(values)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    if request.query_params.get("lang") in LANGS and request.cookies.get(LANG_COOKIE) != lang:
        set_cookie(request, response, LANG_COOKIE, lang, max_age=365 * 24 * 3600)
    return response


def set_cookie(request: Request, response: Response, name: str, value: str, *, max_age: int) -> None:
    """Our cookies: HttpOnly, SameSite=Lax, and Secure whenever the site is served over https (the configured
    public URL is https, or this request came over https, directly or through a trusted proxy)."""
    settings: Settings = request.app.state.services.settings
    secure = (settings.public_url or "").lower().startswith("https://") or request.url.scheme == "https"
    response.set_cookie(name, value, max_age=max_age, samesite="lax", httponly=True, secure=secure)


# --- the bot's rich replies on a page ------------------------------------------------------------------

ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "s", "code", "pre", "blockquote", "a"}
SAFE_HREF = re.compile(r"^(https?://|/(?![/\\])|tel:)", re.I)


class _TelegramHtml(HTMLParser):
    """Keeps Telegram's HTML subset (bold, italic, code, links with a safe href) and escapes everything else."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            return
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if not SAFE_HREF.match(href):
                return
            self.out.append(f'<a href="{escape(href)}" rel="noopener">')
        else:
            self.out.append(f"<{tag}>")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open:
                last = self.open.pop()
                self.out.append(f"</{last}>")
                if last == tag:
                    break

    def handle_data(self, data: str) -> None:
        self.out.append(str(escape(data)))

    def result(self) -> Markup:
        self.close()
        return Markup("".join(self.out) + "".join(f"</{tag}>" for tag in reversed(self.open)))


def reply_html(text: str, html: str | None) -> Markup:
    """A reply for the web chat: its rich form, filtered to the Telegram subset, or its plain text escaped."""
    if not html:
        return escape(text)
    parser = _TelegramHtml()
    parser.feed(html)
    return parser.result()


# --- security: headers, body size, rate ------------------------------------------------------------------


class SecurityHeaders:
    """Adds the content security policy and friends to every HTTP response (pure ASGI; lists made once)."""

    def __init__(self, app: ASGIApp):
        self.app = app
        self._all = list(SECURITY_HEADERS)
        self._without_csp = [h for h in SECURITY_HEADERS if h[0] != b"content-security-policy"]
        self._names = frozenset(name for name, _ in SECURITY_HEADERS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._without_csp if str(scope.get("path", "")).startswith(CSP_EXEMPT_PREFIXES) else self._all
        names = self._names

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or ())
                if any(name.lower() in names for name, _ in headers):  # a route set its own: it stands
                    present = {name.lower() for name, _ in headers}
                    headers += [h for h in extra if h[0] not in present]
                else:
                    headers += extra
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuses a request body over `max_bytes` with 413, by its Content-Length or as it streams in.

    Staff registry uploads (UPLOAD_PATHS) may be larger: a county's filing list runs to megabytes."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.max_bytes <= 0 or _bodiless(scope):
            await self.app(scope, receive, send)
            return
        limit = UPLOAD_MAX_BYTES if scope.get("path") in UPLOAD_PATHS else self.max_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await _refuse(scope, send, 413, self._message(limit))
                return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except _BodyTooLarge:
            if not started:
                await _refuse(scope, send, 413, self._message(limit))

    @staticmethod
    def _message(limit: int) -> Msg:
        return msg("error.body_too_large", kib=limit // 1024)


def _bodiless(scope: Scope) -> bool:
    """A GET or HEAD with neither Content-Length nor Transfer-Encoding: nothing to count."""
    if scope.get("method") not in ("GET", "HEAD"):
        return False
    return not any(name in (b"content-length", b"transfer-encoding") for name, _ in scope.get("headers", ()))


def rate_clock() -> float:
    """The rate limits' clock (tests freeze it)."""
    return time.monotonic()


class Buckets:
    """Token buckets by key: `per_minute` a minute on average, bursts up to `burst`. In memory, per process."""

    def __init__(self, per_minute: int, burst: int | None, max_keys: int, clock: Callable[[], float]):
        self.rate = per_minute / 60.0
        self.burst = float(burst if burst is not None else max(per_minute // 2, 10))
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, time of last refill)

    def take(self, key: str) -> float:
        """0 when a token was taken; otherwise the seconds until one will be there."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if len(self._buckets) >= self.max_keys and key not in self._buckets:
            self._forget_full_buckets(now)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate
        self._buckets[key] = (tokens - 1, now)
        return 0.0

    def _forget_full_buckets(self, now: float) -> None:
        """Keys whose bucket has refilled are indistinguishable from new ones: drop them."""
        refill = self.burst / self.rate
        self._buckets = {key: v for key, v in self._buckets.items() if now - v[1] < refill}
        if len(self._buckets) >= self.max_keys:
            self._buckets.clear()


CHAT_API = "/api/chat"
CHAT_COOKIE_PATTERN = re.compile(rb"(?:^|;\s*)chat=([A-Za-z0-9_-]{16,43})(?:;|$)")


class RateLimit:
    """Limits requests per client and per address, and answers 429 with Retry-After.

    - Per client (`per_minute`, bursts of half that): a client is its chat session (the `session` of
      POST /api/chat, or the web chat's cookie) or its staff token where present; otherwise its address and
      browser (User-Agent). So families behind one carrier-grade NAT address, common on Chinese mobile networks,
      do not share one budget.
    - Per address (`per_address_per_minute`, bursts of half that): everything from one address, sized for a
      whole community behind it; it is what stops a client that makes up a new session for every request.

    The address is the connection's peer, or the forwarded client behind a trusted proxy (`serve
    --proxy-headers --forwarded-allow-ips`). In memory, per process: each replica limits on its own, which is
    enough to stop a runaway client. A limit of 0 switches it off (the load benchmark does).
    """

    def __init__(self, app: ASGIApp, per_minute: int = DEFAULT_RATE_PER_MINUTE, burst: int | None = None,
                 exempt_prefixes: tuple[str, ...] = RATE_EXEMPT_PREFIXES, max_clients: int = 100_000,
                 clock: Callable[[], float] | None = None, *,
                 per_address_per_minute: int = DEFAULT_RATE_PER_ADDRESS_PER_MINUTE, address_burst: int | None = None):
        self.app = app
        clock = clock or (lambda: rate_clock())  # looked up at each call, so that tests can freeze it
        self.clients = Buckets(per_minute, burst, max_clients, clock)
        self.addresses = Buckets(per_address_per_minute, address_burst, 10_000, clock)
        self.exempt_prefixes = exempt_prefixes

    def allow(self, client: str) -> bool:
        """Takes a token from this client's bucket (tests and callers outside HTTP)."""
        return self.clients.take(client) == 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or path.startswith(self.exempt_prefixes) or (
                self.clients.rate <= 0 and self.addresses.rate <= 0):
            await self.app(scope, receive, send)
            return
        address = str((scope.get("client") or ("unknown", 0))[0])
        key, receive = await _client_key(scope, receive, address)
        wait = max(self.addresses.take(address), self.clients.take(key))
        if not wait:
            await self.app(scope, receive, send)
            return
        await _refuse(scope, send, 429, msg("error.too_many_requests"), {"retry-after": str(max(1, math.ceil(wait)))})


async def _client_key(scope: Scope, receive: Receive, address: str) -> tuple[str, Receive]:
    """Who is asking, beyond the address: the chat session, the staff token, else the address and browser.
    For POST /api/chat the body is read here (BodyLimit has bounded it) and handed on unchanged."""
    headers = dict(scope.get("headers", []))
    if scope.get("path") == CHAT_API and scope.get("method") == "POST":
        body, receive = await _buffered(receive)
        try:
            session = json.loads(body).get("session")
        except (ValueError, AttributeError, RecursionError):
            session = None
        if isinstance(session, str) and session:
            _tag_session(scope, session)
            return "s:" + hashlib.sha256(session.encode("utf-8", "replace")).hexdigest()[:24], receive
    if match := CHAT_COOKIE_PATTERN.search(headers.get(b"cookie", b"")):
        _tag_session(scope, match.group(1).decode("ascii"))
        return "s:" + hashlib.sha256(match.group(1)).hexdigest()[:24], receive
    authorization = headers.get(b"authorization", b"")
    if authorization[:7].lower() == b"bearer " and len(authorization) > 7:
        return "t:" + hashlib.sha256(authorization[7:]).hexdigest()[:24], receive
    browser = hashlib.sha256(headers.get(b"user-agent", b"")).hexdigest()[:12]
    return f"a:{address}|{browser}", receive


def _tag_session(scope: Scope, session: str) -> None:
    """The web chat's conversation, as a log line may name it (api/health.py): a hash, never the key."""
    scope.setdefault("state", {})["session_tag"] = session_tag(f"web:{session}")


async def _buffered(receive: Receive) -> tuple[bytes, Receive]:
    """The whole request body, and a receive that hands it on as one message."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"", _replay([message], receive)
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    return body, _replay([{"type": "http.request", "body": body, "more_body": False}], receive)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replaying() -> Message:
        return pending.pop(0) if pending else await receive()

    return replaying


class RefuseNul:
    """400 for a NUL byte in the path or query string: nothing here takes one, and PostgreSQL refuses it."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and ("\x00" in str(scope.get("path", ""))
                                        or b"%00" in bytes(scope.get("query_string", b""))):
            await _refuse(scope, send, 400, msg("error.invalid_character"))
            return
        await self.app(scope, receive, send)


async def _refuse(scope: Scope, send: Send, status: int, message: Msg,
                  headers: dict[str, str] | None = None) -> None:
    """A short answer without the app: JSON for the API and non-browsers, a small page for browsers (in both
    languages: the app, which knows the page's language, is not asked)."""
    if wants_html(scope):
        home = msg("error.home")
        body = (f"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><meta name=\"viewport\" "
                f"content=\"width=device-width,initial-scale=1\"><title>{status}</title>"
                f"<p>{message.zh}</p><p lang=\"en\">{message.en}</p>"
                f"<p><a href=\"/\">{home.zh}</a> · <a href=\"/\" lang=\"en\">{home.en}</a></p></html>").encode()
        content_type = b"text/html; charset=utf-8"
    else:  # the API's one error shape (api/errors.py), in the language the request asks for
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        accept = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"accept-language"), None)
        english = query.get("lang") == "en" or (query.get("lang") != "zh" and (accept or "").lower().startswith("en"))
        code = DEFAULT_CODES.get(status, "error")
        body = json.dumps({"error": {"code": code, "message": message.en if english else message.zh, "field": None}},
                          ensure_ascii=False).encode()
        content_type = b"application/json"
    raw_headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    raw_headers += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


def wants_html(scope: Scope) -> bool:
    """Whether to answer with a page: a browser asking for anything outside /api/."""
    if str(scope.get("path", "")).startswith("/api/"):
        return False
    accept = next((v for k, v in scope.get("headers", []) if k == b"accept"), b"")
    return b"text/html" in accept


# --- installation -----------------------------------------------------------------------------------------


async def _page_not_found(request: Request, exc: Exception) -> Response:
    """Browsers asking for a page that is not there get a page; the API keeps its JSON."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404 and wants_html(request.scope):
        return not_found(request, msg("error.page_not_found"))
    return await http_exception_handler(request, exc)


def not_found(request: Request, message: Msg) -> HTMLResponse:
    return render(request, "error.html", {"status": 404, "message": message}, status_code=404)


def install(app: FastAPI, settings: Settings) -> None:
    """Mount /static and add the security headers and the limits. Safe to call twice."""
    if getattr(app.state, "web_installed", False):
        return
    app.state.web_installed = True
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_exception_handler(StarletteHTTPException, _page_not_found)
    app.add_middleware(RateLimit, per_minute=settings.rate_limit_per_minute,
                       per_address_per_minute=settings.rate_limit_per_address_per_minute)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RefuseNul)
    app.add_middleware(SecurityHeaders)
