"""The parents' web pages: finder, centre, check, leave, guidance, chat and privacy (jinja2, server-rendered).

Pages read their query strings by hand, so that bad input is shown on the page next to the form, never as a
JSON error. Every page works without JavaScript; /static/finder.js only adds "use my location" and sharing.
"""

from __future__ import annotations

import json
import math
import re
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from api.deps import RegistryDep, ServicesDep
from api.i18n import LANGS, Msg, catalogue, msg
from api.reviews import reviewed_library
from api.svgmap import Pin, circle_map
from api.web import not_found, render, request_lang, set_cookie
from bot.replies import Message, Turn, typed
from common import china_today
from content.guidance import Article, Library, render_html
from content.leave import LeaveInputError, leave_answer
from content.leave.answer import NOT_MAINLAND
from geodata.centre import Centre, Mode
from geodata.geocode import GeocodeResult
from geodata.index import Filters, Match
from geodata.maplinks import map_links
from geodata.policy import CIRCLE_MINUTES, FAR_M
from geodata.regions import PROVINCES
from geodata.registry import Registry
from geodata.store import centre_history

router = APIRouter(include_in_schema=False)

MINUTES = CIRCLE_MINUTES
RESULT_LIMIT = 10
BEYOND_LIMIT = 3
MAX_TEXT = 100  # longest place or centre name we look up
AGE_CHOICES = (3, 6, 12, 18, 24, 30, 36)  # months; their names are age.m<months> in the catalogue


# --- view models ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NavLink:
    """A link out to a map app. The page shows the app's name as a button; the coordinate system it is given
    stays in the link itself (parents need the button, not the datum's name)."""

    label: Msg
    href: str


@dataclass(frozen=True)
class CentreRow:
    number: int
    centre: Centre
    distance_m: float | None = None
    walk_minutes: float | None = None
    along_streets: bool = False
    links: list[NavLink] = field(default_factory=list)


def navigation_links(centre: Centre) -> list[NavLink]:
    """高德 (given GCJ-02), 百度 (BD-09) and Apple Maps, each in the coordinate system the app expects."""
    return [NavLink(Msg.of(m), m.url) for m in map_links(centre.lat, centre.lon, centre.name, centre.address)]


def rows_of(matches: list[Match], first_number: int = 1) -> list[CentreRow]:
    return [CentreRow(first_number + i, m.centre, m.distance_m, m.walk_minutes, m.along_streets,
                      navigation_links(m.centre)) for i, m in enumerate(matches)]


# --- reading the query string ------------------------------------------------------------------------------


@dataclass
class FinderQuery:
    lat: float | None = None
    lon: float | None = None
    at: str = ""  # the name of the point, when it came from a typed place
    place: str = ""
    inclusive: bool = True
    age_months: int | None = None
    mode: Mode | None = None
    errors: dict[str, Msg] = field(default_factory=dict)

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def filters(self) -> Filters:
        return Filters(inclusive=self.inclusive, mode=self.mode, age_months=self.age_months)

    def params(self, **changes: Any) -> str:
        """This search's query string, with some values changed (None drops a key)."""
        values: dict[str, Any] = {"lat": self.lat, "lon": self.lon, "at": self.at or None,
                                  "inclusive": "1" if self.inclusive else "0", "age_months": self.age_months,
                                  "mode": self.mode.value if self.mode else None}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v is not None})


def _float(value: str | None) -> float | None:
    try:
        number = float(value) if value not in (None, "") else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


def read_finder_query(request: Request) -> FinderQuery:
    params = request.query_params
    query = FinderQuery(place=params.get("place", "").strip()[:MAX_TEXT], at=params.get("at", "").strip()[:MAX_TEXT])
    raw_lat, raw_lon = params.get("lat"), params.get("lon")
    if query.place and query.place != query.at:
        raw_lat = raw_lon = None  # a newly typed place wins over the point of the last search
        query.at = ""
    if raw_lat or raw_lon:
        lat, lon = _float(raw_lat), _float(raw_lon)
        if lat is None or not -90 <= lat <= 90:
            query.errors["lat"] = msg("finder.error_lat")
        elif lon is None or not -180 <= lon <= 180:
            query.errors["lon"] = msg("finder.error_lon")
        else:
            query.lat, query.lon = lat, lon
    inclusive = params.getlist("inclusive")
    query.inclusive = not inclusive or "1" in inclusive  # the form sends "0", plus "1" when ticked
    age = params.get("age_months", "")
    if age:
        if re.fullmatch(r"[0-9]{1,2}", age) and 0 <= int(age) <= 36:
            query.age_months = int(age)
        else:
            query.errors["age_months"] = msg("finder.error_age")
    mode = params.get("mode", "")
    if mode:
        try:
            query.mode = Mode(mode)
        except ValueError:
            query.errors["mode"] = msg("finder.error_mode")
    return query


# --- finder ----------------------------------------------------------------------------------------------


@dataclass
class FinderResult:
    rows: list[CentreRow]
    beyond: list[CentreRow]  # when the circle is empty: the nearest further away, never beyond FAR_M
    map_svg: Markup
    along_streets: bool = False  # walks measured along streets, and the map draws them


def nearest_beyond(registry: Registry, lat: float, lon: float, filters: Filters,
                   limit: int = BEYOND_LIMIT) -> list[Match]:
    """When the circle is empty: the nearest centres further away, but only within FAR_M (20 km). A centre in
    another banner 90 km off is no help to a family, and it broke the map's scale."""
    return [m for m in registry.nearest(lat, lon, filters, limit) if m.distance_m <= FAR_M]


def find(registry: Registry, query: FinderQuery, lang: str) -> FinderResult:
    assert query.lat is not None and query.lon is not None
    lat, lon = query.lat, query.lon
    within = registry.within(lat, lon, MINUTES, query.filters, RESULT_LIMIT)
    rows = rows_of(within)
    beyond = [] if rows else rows_of(nearest_beyond(registry, lat, lon, query.filters))
    area = registry.snapshot().index.circle(lat, lon, MINUTES)
    pins = [Pin(r.number, r.centre.lat, r.centre.lon, r.centre.name, f"/centres/{quote(r.centre.id)}",
                r.centre.inclusive) for r in rows + beyond]
    streets_near = getattr(registry.walker, "streets_near", None)  # a street network is loaded: draw its streets
    streets = streets_near(lat, lon, registry.walker.search_radius_m(MINUTES) * 1.5) if streets_near else ()
    along = any(r.along_streets for r in rows + beyond) or len(streets) > 0
    return FinderResult(rows, beyond, Markup(circle_map(lat, lon, area, pins, minutes=MINUTES, lang=lang,
                                                        streets=streets)), along)


def finder_page(request: Request, registry: Registry, services: Any, *, query: FinderQuery | None = None,
                extra: dict[str, Any] | None = None) -> HTMLResponse:
    """The finder for the request's query string (or a query made by the caller, as share links do)."""
    query = query or read_finder_query(request)
    lang = request_lang(request)
    candidates: list[GeocodeResult] = []
    if query.place and not query.has_point and not query.errors:
        candidates = services.geocoder.geocode(query.place)
        if candidates:
            best = candidates[0]
            query.lat, query.lon, query.at = best.lat, best.lon, best.name
        else:
            query.errors["place"] = msg("finder.error_place", place=query.place)
    context: dict[str, Any] = {"query": query, "candidates": candidates[1:], "result": None, "age_choices": AGE_CHOICES,
                               "modes": list(Mode), "minutes": MINUTES, "far_km": FAR_M // 1000}
    if query.has_point and not query.errors:
        result = find(registry, query, lang)
        shown = result.rows + result.beyond
        context.update(result=result, sample=any(r.centre.is_sample for r in shown))
    context.update(extra or {})
    return render(request, "finder.html", context, status_code=422 if query.errors else 200)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, registry: RegistryDep, services: ServicesDep) -> HTMLResponse:
    return finder_page(request, registry, services)


# --- a centre --------------------------------------------------------------------------------------------


# Values whose words are in the catalogue: `status` "revoked" → msg("status.revoked").
HISTORY_VALUE_KEYS = {"status": "status", "kind": "kind", "ownership": "ownership", "demo_level": "demo"}


def history_value(field_name: str, value: Any) -> Msg:
    """One value of a history event in words: statuses and kinds by their labels, yes/no for flags."""
    if value is None:
        return Msg("—", "—")
    if isinstance(value, bool):
        return msg("common.answer_yes" if value else "common.answer_no")
    prefix = HISTORY_VALUE_KEYS.get(field_name)
    if prefix and f"{prefix}.{value}" in catalogue():
        return msg(f"{prefix}.{value}")
    return Msg.of(str(value))


def event_text(lang: str) -> Any:
    def text(event: dict[str, Any]) -> str:
        field_name = event["field"]
        name = msg(f"history.{field_name}") if f"history.{field_name}" in catalogue() else Msg.of(field_name)
        before, after = (history_value(field_name, event[k]) for k in ("from", "to"))
        if event["from"] is None and field_name == "status":
            return msg("history.listed", status=after)(lang)
        return msg("history.change", name=name, before=before, after=after)(lang)
    return text


def centre_page(request: Request, centre: Centre, *, extra: dict[str, Any] | None = None) -> HTMLResponse:
    """Every registered detail of one centre, its status and what it means, its dated public history, with
    navigation, sharing and its QR code."""
    engine = request.app.state.services.engine
    context: dict[str, Any] = {
        "centre": centre, "links": navigation_links(centre), "sample": centre.is_sample,
        "page_url": f"/centres/{quote(centre.id)}", "qr_url": f"/centres/{quote(centre.id)}/qr.png",
        "og_title": centre.name, "history": centre_history(engine, centre.id),
        "event_text": event_text(request_lang(request)),
    }
    context.update(extra or {})
    return render(request, "centre.html", context)


@router.get("/centres/{centre_id}", response_class=HTMLResponse)
def centre_detail(request: Request, registry: RegistryDep, centre_id: str) -> HTMLResponse:
    """Any centre's own page, whatever its status: its standing is shown with what it means."""
    centre = registry.get(centre_id)
    if centre is None:
        return not_found(request, msg("centre.not_found", id=centre_id))
    return centre_page(request, centre)


@router.get("/check", response_class=HTMLResponse)
def check(request: Request, registry: RegistryDep) -> HTMLResponse:
    """Is this centre filed? A fuzzy search over every centre in the registry, closed ones too."""
    name = request.query_params.get("q", "").strip()[:MAX_TEXT]
    matches = registry.search(name, limit=5) if name else []
    rows = [CentreRow(i + 1, m.centre) for i, m in enumerate(matches)]
    return render(request, "check.html", {"q": name, "rows": rows, "sample": any(r.centre.is_sample for r in rows)})


@router.get("/privacy", response_class=HTMLResponse)
def privacy(request: Request) -> HTMLResponse:
    return render(request, "privacy.html")


# --- leave -----------------------------------------------------------------------------------------------

LEAVE_PROVINCES = [p for p in PROVINCES if p.code not in NOT_MAINLAND]


def _small_int(value: str, field_name: str, low: int, high: int, default: int, errors: dict[str, Msg]) -> int:
    if not value:
        return default
    if re.fullmatch(r"[0-9]{1,3}", value) and low <= int(value) <= high:
        return int(value)
    errors[field_name] = msg("leave.error_number", low=low, high=high)
    return default


@router.get("/leave", response_class=HTMLResponse)
def leave(request: Request) -> HTMLResponse:
    """The leave calculator: the form, and with a region and date, the result with its sources."""
    params = request.query_params
    form = {"region": params.get("region", "").strip()[:40], "birth_date": params.get("birth_date", "").strip()[:20],
            "babies": params.get("babies", ""), "birth_order": params.get("birth_order", "")}
    difficult_birth = params.get("difficult_birth") in ("1", "true", "on")
    errors: dict[str, Msg] = {}
    babies = _small_int(form["babies"], "babies", 1, 9, 1, errors)
    birth_order = _small_int(form["birth_order"], "birth_order", 1, 20, 1, errors)
    answer = None
    submitted = bool(form["region"] or form["birth_date"])
    if submitted:
        if not form["region"]:
            errors["region"] = msg("leave.error_region")
        if not form["birth_date"]:
            errors["birth_date"] = msg("leave.error_birth_date")
    if submitted and not errors:
        try:
            answer = leave_answer(form["region"], form["birth_date"], today=china_today(), babies=babies,
                                  difficult_birth=difficult_birth, birth_order=birth_order)
        except LeaveInputError as exc:
            errors[exc.field] = Msg.of(exc)
    context = {"form": form, "difficult_birth": difficult_birth, "errors": errors, "answer": answer,
               "provinces": LEAVE_PROVINCES}
    return render(request, "leave.html", context, status_code=422 if errors else 200)


# --- guidance --------------------------------------------------------------------------------------------

AGE_STEPS = (0, 3, 6, 12, 18, 24, 36)  # months; their names are age.m<months> in the catalogue


def _in_language(articles: list[Article], lang: str) -> list[Article]:
    """One version of each article, in the page's language: an English page lists English articles only."""
    return [a for a in articles if a.locale == lang]


def _library(services: Any) -> Library:
    """The articles, with the reviewers' sign-offs recorded in the store."""
    return reviewed_library(services.library, services.engine)


@router.get("/guidance", response_class=HTMLResponse)
def guidance_index(request: Request, services: ServicesDep) -> HTMLResponse:
    """Articles for the child's age (or a search), each with its age range, topics and review state."""
    library = _library(services)
    lang = request_lang(request)
    q = request.query_params.get("q", "").strip()[:MAX_TEXT]
    age_text = request.query_params.get("age_months", "")
    age = int(age_text) if re.fullmatch(r"[0-9]{1,2}", age_text) and int(age_text) <= 36 else None
    error = msg("guidance.error_age") if age_text and age is None else None
    found = library.find(q, age_months=age)
    shown = _in_language(found, lang)
    only_chinese = len({a.slug for a in found} - {a.slug for a in shown}) if lang != "zh" else 0
    context = {"articles": shown, "q": q, "age": age, "age_steps": AGE_STEPS, "error": error,
               "chinese_only": only_chinese, "chinese_url": _switched(request, "zh")}
    return render(request, "guidance.html", context, status_code=422 if error else 200)


def _switched(request: Request, lang: str) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("lang", "locale")]
    return request.url.path + "?" + urlencode([*params, ("lang", lang)])


def _article_link(lang: str) -> Any:
    def link_for(slug: str, _locale: str) -> str:
        return f"/guidance/{quote(slug)}" + ("?lang=en" if lang == "en" else "")
    return link_for


@router.get("/guidance/{slug}", response_class=HTMLResponse)
def guidance_article(request: Request, services: ServicesDep, slug: str) -> HTMLResponse:
    """One article in the page's language. `?locale=` (the bot's links) sets the page's language too, so a page
    never mixes languages; an English page of a Chinese-only article says so and links to it."""
    library = _library(services)
    asked = request.query_params.get("locale")
    lang = asked if asked in LANGS else request_lang(request)
    locales = library.locales_of(slug)
    if not locales:
        return not_found(request, msg("article.not_found"))
    translated = lang in locales
    article = library.get(slug, lang if translated else "zh")
    body = Markup(render_html(article, _article_link(lang)))
    context = {"article": article, "body": body, "translated": translated, "chinese_url": _switched(request, "zh"),
               "og_title": article.title if translated else None,
               "og_description": article.summary if translated else None}
    return render(request, "article.html", context, lang=lang)


# --- chat ------------------------------------------------------------------------------------------------

CHAT_COOKIE = "chat"
CHAT_SESSION = re.compile(r"^[A-Za-z0-9_-]{16,43}$")
HISTORY_ITEMS = 8  # earlier turns shown above the latest; the page carries them, nothing is stored
HISTORY_CHARS = 800
BUTTON_SEPARATOR = "|"  # a quick reply's value: "<engine data>|<label shown in the transcript>"


@dataclass(frozen=True)
class ChatLine:
    who: str  # "me" or "bot"
    text: str


def _history(raw: str) -> list[ChatLine]:
    """The transcript the page posted back: untrusted, so checked, shortened and bounded."""
    try:
        items = json.loads(raw) if raw else []
    except (ValueError, RecursionError):  # not JSON, or nested deep enough to exhaust the parser
        return []
    lines = [ChatLine("me" if item.get("who") == "me" else "bot", str(item.get("text", ""))[:HISTORY_CHARS])
             for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    return lines[-HISTORY_ITEMS:]


def _chat_session(request: Request) -> tuple[str, bool]:
    """The chat's random id from its cookie, or a new one (True when new)."""
    current = request.cookies.get(CHAT_COOKIE, "")
    if CHAT_SESSION.match(current) and not request.query_params.get("new"):
        return current, False
    return secrets.token_urlsafe(16), True


def _chat_response(request: Request, services: Any, session: str, is_new: bool, history: list[ChatLine],
                   message: Message, said: str | None) -> HTMLResponse:
    lang = request_lang(request)
    key = f"web:{session}"
    state = services.conversations.load(key)
    if state.language != lang:  # the page's language switch also switches the conversation
        state.language = lang
        services.conversations.save(key, state)
    turn: Turn = services.dialogue.handle(key, message)
    lines = [*history, *([ChatLine("me", said)] if said else [])]
    carried = [*lines, *(ChatLine("bot", r.text) for r in turn.replies)][-HISTORY_ITEMS:]
    context = {"history": lines, "replies": turn.replies, "intent": turn.intent,
               "carried": json.dumps([line.__dict__ for line in carried], ensure_ascii=False),
               "separator": BUTTON_SEPARATOR}
    response = render(request, "chat.html", context)
    if is_new:
        set_cookie(request, response, CHAT_COOKIE, session, max_age=24 * 3600)
    return response


@router.get("/chat", response_class=HTMLResponse)
async def chat(request: Request, services: ServicesDep) -> HTMLResponse:
    session, is_new = _chat_session(request)
    return await services.in_dialogue_pool(_chat_response, request, services, session, is_new, [],
                                           Message(command="help"), None)


@router.post("/chat", response_class=HTMLResponse)
async def chat_send(request: Request, services: ServicesDep) -> HTMLResponse:
    """One message from the web chat: typed text, a quick reply, or the browser's location."""
    form = await request.form()
    value = {k: str(form.get(k, "")) for k in ("text", "button", "lat", "lon", "history")}
    session, is_new = _chat_session(request)
    history = _history(value["history"])
    lat, lon = _float(value["lat"]), _float(value["lon"])
    lang = request_lang(request)
    if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
        message, said = Message(location=(lat, lon)), msg("chat.my_location")(lang)
    elif value["button"]:
        data, _, button_label = value["button"].partition(BUTTON_SEPARATOR)
        message, said = Message(button=data[:64]), button_label[:100] or data[:64]
    else:
        text = value["text"].strip()[:2000]
        message, said = typed(text), text
    # The engine is synchronous and touches the store: run it off the event loop, on the dialogue threads.
    return await services.in_dialogue_pool(_chat_response, request, services, session, is_new, history, message,
                                           said)
