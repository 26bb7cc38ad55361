"""The dialogue engine: one message in, the intent and structured replies out. Channel-neutral.

The engine routes; the domain answers (geodata for centres, content for leave, guidance and subsidies), and
bot/answers.py words the result. Conversation state lives in the store, so every replica shares it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Protocol

from bot import answers
from bot.conversations import ConversationStore, State
from bot.intents import Reading, classify
from bot.replies import Message, Reply, Turn
from bot.slots import (
    find_age_months,
    find_babies,
    find_birth_order,
    find_date,
    find_mode,
    find_province,
    is_bad_date,
    is_choking,
    is_crisis,
    is_emergency,
    is_loss,
    looks_english,
    mentions_caesarean,
    mentions_difficult_birth,
    wants_inclusive,
    wants_vacancies,
)
from content.guidance.library import GuidanceError, Library
from content.guidance.model import Article
from content.leave.answer import LeaveInputError, leave_result
from content.subsidies import subsidies_for
from geodata.centre import Mode
from geodata.gazetteer import Gazetteer, Place
from geodata.geocode import Geocoder
from geodata.index import Filters, check_point
from geodata.regions import china_today, province_of
from geodata.registry import Registry

CIRCLE_MINUTES = 15
PAGE = 5
MAX_TEXT = 2000  # longer messages are read only this far
HARM_WORDS = ("打", "虐待", "体罚", "受伤", "小黑屋", "凶", "骂", "饿", "性侵", "猥亵", "abuse", "hit", "hurt")
FEE_WORDS = ("退费", "乱收费", "学费", "跑路", "押金", "收费", "合同", "refund", "fee")
PLACE_RANK = {"estate": 0, "landmark": 0, "street": 0, "community": 1, "town": 2, "county": 3}
CITY_SUFFIX = re.compile(r"(市|地区|盟|自治州)$")
TRAILING_WORDS = re.compile(r"[是有吗呢啊呀]+$")  # "小星星托育园是（正规的吗）" leaves 是 behind
STRONG_READING = 3.0  # a reading this sure starts a new topic even while we wait for an answer
CHECK_FILLER = re.compile(
    r"(帮我|帮忙|请问|麻烦|我想|想)?(查一下|查查|查询|核实一下|核实|看看|问一下|问问)?|"
    r"(有没有|是否|是不是|有无)?(备案|正规|合法|靠谱|资质|黑托|黑机构)(了|的|过)?(吗|呢|没有|没)?|"
    r"(这家|这个|那家|那个|一家|叫做|叫|名字是|机构|的)|[?？!！。,，、\s]|"
    r"\b(is|it|the|centre|center|registered|filed|licensed|legit|check|a)\b",
    re.I,
)


@dataclass(frozen=True)
class Preset:
    """What a shared deep link sets: a region, a centre or a campaign."""

    region_code: str | None = None
    centre_id: str | None = None
    campaign: str | None = None
    title: str | None = None


class Subscriptions(Protocol):
    """The part of bot.subscriptions the engine uses."""

    def subscribe(self, chat_id: int, birth_date: date, region_code: str | None, language: str,
                  consent_at: datetime) -> object: ...

    def stop(self, chat_id: int) -> bool: ...

    def forget(self, chat_id: int) -> None: ...

    def mark_loss(self, chat_id: int) -> None: ...


def default_deep_links(payload: str) -> Preset | None:
    """r-150627 presets a region, x-<centre id> a centre; other payloads need the share-link table."""
    if re.fullmatch(r"r-\d{6}", payload):
        return Preset(region_code=payload[2:])
    if payload.startswith("x-") and len(payload) > 2:
        return Preset(centre_id=payload[2:])
    return None


class Engine:
    def __init__(
        self,
        *,
        registry: Registry,
        conversations: ConversationStore,
        gazetteer: Gazetteer,
        geocoder: Geocoder,
        library: Library,
        subscriptions: Subscriptions | None = None,
        deep_links: Callable[[str], Preset | None] = default_deep_links,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        web_url: str = "",
        bot_username: str | None = None,
    ):
        self.registry = registry
        self.conversations = conversations
        self.gazetteer = gazetteer
        self.geocoder = geocoder
        self.library = library
        self.subscriptions = subscriptions
        self.deep_links = deep_links
        self.clock = clock
        self.web_url = web_url.rstrip("/")
        self.bot_username = bot_username
        # Place names long enough to be told apart inside a sentence, longest first.
        by_name: dict[str, list[Place]] = {}
        for place in gazetteer.places:
            for name in place.names:
                if len(name) >= 3 or place.kind != "county":
                    by_name.setdefault(name, []).append(place)
        self._place_names = sorted(by_name.items(), key=lambda kv: -len(kv[0]))
        # Cities (成都, 运城市) name a prefecture code: enough for the province, and for city-wide policies.
        self._city_codes: dict[str, str] = {}
        self._city_names: dict[str, str] = {}
        for county in gazetteer.counties.values():
            code = county.code[:4] + "00"
            short = CITY_SUFFIX.sub("", county.city)
            for name in {county.city, short}:
                if len(name) >= 2 and not county.city.endswith(("直辖县级行政区划", "省", "自治区")):
                    self._city_codes.setdefault(name, code)
            self._city_names.setdefault(code, county.city)

    # -- entry points --------------------------------------------------------------------------------
    def language(self, session: str) -> str:
        return self.conversations.load(session).language

    def handle(self, session: str, message: Message) -> Turn:
        state = self.conversations.load(session)
        message = replace(message, text=message.text[:MAX_TEXT])
        turn = self._route(session, state, message)
        if turn.intent != "forgotten":
            self.conversations.save(session, state)
            return turn
        return Turn("unsubscribe", turn.replies)

    def today(self) -> date:
        return china_today(self.clock())

    # -- routing -------------------------------------------------------------------------------------
    def _route(self, session: str, state: State, message: Message) -> Turn:
        if message.command:
            return self._command(session, state, message)
        if message.button:
            return self._button(state, message)
        if message.location:
            lat, lon = message.location
            state.pending = None
            return self._find_at(state, lat, lon, offset=0, place=None)
        text = message.text.strip()
        if not text:
            return Turn("unknown", (answers.not_understood(state.language),))
        switched = self._language_from(state, text)
        if switched:
            return switched
        if is_crisis(text):  # despair first, before anything else the message may ask
            return Turn("guidance", (answers.crisis(state.language),))
        if is_loss(text):
            return self._loss(state, message, text)
        reading = classify(text)
        pending_turn = self._continue_pending(state, message, text, reading)
        if pending_turn:
            return pending_turn
        return self._intent(reading.intent, state, message, text)

    def _language_from(self, state: State, text: str) -> Turn | None:
        """"English" or "中文" typed alone switches; a message written in English is answered in English."""
        word = text.strip().lower()
        if word in {"english", "英文", "英语"} or (word == "中文" and state.language == "en"):
            state.language = "zh" if word == "中文" else "en"
            return Turn("help", (answers.language_switched(state.language),))
        if looks_english(text):
            state.language = "en"
        return None

    def _intent(self, intent: str, state: State, message: Message, text: str) -> Turn:
        flows: dict[str, Callable[[State, Message, str], Turn]] = {
            "find_centre": self._find, "check_centre": self._check, "leave": self._leave,
            "guidance": self._guidance, "subsidy": self._subsidy, "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe, "complaint": self._complaint, "help": self._help,
        }
        flow = flows.get(intent)
        if flow is None:
            if is_emergency(text) or find_age_months(text) is not None:  # "宝宝8个月了" asks what this age needs
                return self._guidance(state, message, text)
            return Turn("unknown", (answers.not_understood(state.language),))
        return flow(state, message, text)

    def _continue_pending(self, state: State, message: Message, text: str, reading: Reading) -> Turn | None:
        """An answer to the question we asked wins over a weak reading of the words. A leave question set
        aside for another topic ("产假多少天" → "孩子发烧怎么办" → "山西") is taken up again by its answer."""
        if state.pending is None and state.paused in {"leave_region", "leave_date"} and reading.score < STRONG_READING:
            state.pending, state.paused = state.paused, None
        pending = state.pending
        if pending is None:
            return None
        strong = (reading.score >= STRONG_READING and reading.intent not in {"unknown", "help"}
                  and not pending.startswith(reading.intent.split("_")[0]))
        if pending in {"leave_region", "leave_date"} and (find_province(text) or self._county_code(text)
                                                          or find_date(text, self.today()) or is_bad_date(text)):
            return self._leave(state, message, text)
        if pending == "subscribe_date" and (find_date(text, self.today()) or is_bad_date(text)):
            return self._subscribe(state, message, text)
        if pending == "subscribe_region":
            return self._subscribe(state, message, text)
        if strong:
            state.pending, state.paused = None, pending
            return None
        if pending == "find_place":
            return self._find(state, message, text)
        if pending == "check_name":
            return self._check(state, message, text)
        if pending == "subsidy_region":
            return self._subsidy(state, message, text)
        if pending.startswith("leave"):
            return self._leave(state, message, text)
        if pending.startswith("subscribe"):
            return self._subscribe(state, message, text)
        return None

    def _command(self, session: str, state: State, message: Message) -> Turn:
        command, argument = message.command or "", message.argument.strip()
        state.pending = None
        if command == "start":
            return self._start(state, argument, message)
        if command == "language":
            state.language = "en" if state.language == "zh" else "zh"
            return Turn("help", (answers.language_switched(state.language),))
        if command == "forget":
            return self._forget(session, state, message)
        if command == "stop":
            return self._unsubscribe(state, message, "")
        if command == "subscribe":
            return self._subscribe(state, message, argument)
        if command == "nearby":
            return self._find(state, message, argument)
        if command == "leave":
            return self._leave(state, message, argument)
        if command == "guide":
            return self._guidance(state, message, argument)
        return self._help(state, message, argument)

    def _button(self, state: State, message: Message) -> Turn:
        data = message.button or ""
        kind, _, rest = data.partition(":")
        if kind in {"more", "all"}:  # the next page, or the search widened to centres that are not inclusive
            parsed = answers.parse_more(rest)
            if parsed is None:
                return Turn("find_centre", (answers.bad_location(state.language),))
            lat, lon, offset, flags = parsed
            state.inclusive_only = kind == "more" and "i" in flags
            return self._find_at(state, lat, lon, offset=offset if kind == "more" else 0, place=None)
        if kind == "at":  # a place picked from an ambiguous name
            parsed = answers.parse_more(rest + ",0,i")
            if parsed is None:
                return Turn("find_centre", (answers.bad_location(state.language),))
            return self._find_at(state, parsed[0], parsed[1], offset=0, place=None)
        if kind == "centre":
            return self._centre_detail(state, rest)
        if kind == "guide":
            return self._article(state, rest)
        if kind == "province":
            state.region_code = rest
            return self._leave(state, message, "")
        if kind == "subyes":
            state.consent = True
            return self._subscribe(state, message, "")
        if kind == "subno":
            state.pending, state.consent = None, False
            return Turn("subscribe", (answers.subscribe_declined(state.language),))
        if kind == "skipregion":
            state.region_code = state.region_code or "-"
            return self._subscribe(state, message, "")
        if kind == "lang":
            state.language = "en" if rest == "en" else "zh"
            return Turn("help", (answers.language_switched(state.language),))
        if kind == "menu":
            return self._intent(rest, state, message, "")
        return Turn("unknown", (answers.not_understood(state.language),))

    # -- find a centre -------------------------------------------------------------------------------
    def _find(self, state: State, message: Message, text: str) -> Turn:
        self._read_filters(state, text)
        places = self._places_in(text) if text else []
        if not places and state.place and state.pending != "find_place":
            places = self._places_in(state.place)  # a follow-up ("非普惠的也看看") keeps the place named before
        if len({(p.name, p.county_code) for p in places}) > 1:
            state.pending = None
            said = next((name for name, _ in self._place_names if name in text), places[0].name)
            return Turn("find_centre", (answers.which_place(state.language, said, places, self._region_name),))
        place = (places[0].name, places[0].lat, places[0].lon) if places else None
        if places:
            county = self.gazetteer.county(places[0].county_code)
            state.place = places[0].name + (county.name if county and county.name not in places[0].name else "")
        if place is None and state.pending == "find_place" and text:
            found = self.geocoder.geocode(text)
            place = (found[0].name, found[0].lat, found[0].lon) if found else None
            if place is None:
                return Turn("find_centre", (answers.place_not_found(state.language, text),))
        if place is None:
            state.pending = "find_place"
            return Turn("find_centre", (answers.ask_location(state.language),))
        name, lat, lon = place
        state.pending = None
        return self._find_at(state, lat, lon, offset=0, place=name)

    def _find_at(self, state: State, lat: float, lon: float, *, offset: int, place: str | None) -> Turn:
        try:
            check_point(lat, lon)
        except ValueError:
            return Turn("find_centre", (answers.bad_location(state.language),))
        county = self.gazetteer.county_at(lat, lon)
        if county and not state.region_code:
            state.region_code = county.code
        filters = Filters(inclusive=state.inclusive_only, mode=Mode(state.mode) if state.mode else None,
                          age_months=state.age_months, with_vacancies=state.vacancies_only)
        within = self.registry.within(lat, lon, CIRCLE_MINUTES, filters, limit=None)
        if within:
            page = within[offset:offset + PAGE]
            more = len(within) > offset + PAGE
            return Turn("find_centre", answers.centres(state, page, lat, lon, offset=offset, more=more,
                                                       total=len(within), place=place, web_url=self.web_url))
        beyond = self.registry.nearest(lat, lon, filters, limit=3)
        return Turn("find_centre", answers.none_within(state, beyond, lat, lon, place=place, web_url=self.web_url))

    def _read_filters(self, state: State, text: str) -> None:
        inclusive = wants_inclusive(text)
        if inclusive is not None:
            state.inclusive_only = inclusive
        mode = find_mode(text)
        if mode:
            state.mode = mode.value
        age = find_age_months(text)
        if age is not None and age <= 36:
            state.age_months = age
        if wants_vacancies(text):
            state.vacancies_only = True

    def _places_in(self, text: str) -> list[Place]:
        """The most specific places the message names (a 小区 over its town over its county), narrowed by any
        county it also names; more than one means the name is ambiguous (团结社区 in two banners)."""
        candidates = [p for name, places in self._place_names if name in text for p in places]
        if not candidates:
            return []
        counties = {p.county_code for p in candidates if p.kind == "county"}
        finest = min(PLACE_RANK.get(p.kind, 1) for p in candidates)
        chosen = [p for p in candidates if PLACE_RANK.get(p.kind, 1) == finest]
        chosen = [p for p in chosen if p.county_code in counties] or chosen
        return list({(p.name, p.county_code): p for p in chosen}.values())

    def _county_code(self, text: str) -> str | None:
        """The most specific division the message names: a place's county, else a city's code."""
        counties = {p.county_code for p in self._places_in(text)}
        if len(counties) == 1:
            return counties.pop()
        return next((code for name, code in sorted(self._city_codes.items(), key=lambda kv: -len(kv[0]))
                     if name in text), None)

    # -- check a centre ------------------------------------------------------------------------------
    def _check(self, state: State, message: Message, text: str) -> Turn:
        name = TRAILING_WORDS.sub("", CHECK_FILLER.sub("", text).strip())
        if len(name) < 2:
            state.pending = "check_name"
            return Turn("check_centre", (answers.ask_centre_name(state.language),))
        state.pending = None
        found = self.registry.search(name, limit=5)
        return Turn("check_centre", answers.check_result(state.language, name, found))

    def _centre_detail(self, state: State, centre_id: str) -> Turn:
        centre = self.registry.get(centre_id)
        if centre is None:
            return Turn("check_centre", (answers.centre_unknown(state.language),))
        state.centre_id = centre.id
        return Turn("check_centre", (answers.centre_detail(state.language, centre, self.web_url),))

    # -- leave ---------------------------------------------------------------------------------------
    def _leave(self, state: State, message: Message, text: str) -> Turn:
        lang, today = state.language, self.today()
        province = find_province(text)
        county = self._county_code(text)
        if province:
            state.region_code = province.code
        elif county:
            state.region_code = county
        if is_bad_date(text):
            state.pending = "leave_date"
            return Turn("leave", (answers.bad_date(lang),))
        born = find_date(text, today)
        if born:
            state.birth_date = born.isoformat()
        state.babies = find_babies(text) or state.babies
        state.birth_order = find_birth_order(text) or state.birth_order
        state.difficult_birth = state.difficult_birth or mentions_difficult_birth(text)
        if not state.region_code or state.region_code == "-":
            state.pending = "leave_region"
            return Turn("leave", (answers.ask_province(lang),))
        if not state.birth_date:
            state.pending = "leave_date"
            return Turn("leave", (answers.ask_birth_date(lang, for_leave=True),))
        state.pending = None
        try:
            result = leave_result(state.region_code[:2] + "0000", state.birth_date, today=today,
                                  babies=state.babies, birth_order=state.birth_order,
                                  difficult_birth=state.difficult_birth)
        except LeaveInputError as exc:
            if exc.field == "region":
                state.region_code, state.pending = None, "leave_region"
            else:
                state.birth_date, state.pending = None, "leave_date"
            return Turn("leave", (Reply(exc.message_en if lang == "en" else exc.message_zh),))
        return Turn("leave", answers.leave(lang, result, caesarean=mentions_caesarean(text)))

    # -- guidance ------------------------------------------------------------------------------------
    def _guidance(self, state: State, message: Message, text: str) -> Turn:
        lang = state.language
        replies: list[Reply] = [answers.emergency(lang)] if is_emergency(text) else []
        age = find_age_months(text)
        if age is not None and age <= 36:
            state.age_months = age
        found = self._articles_for(text, state.age_months)
        if found:
            replies.extend(answers.article(lang, self._localised(found[0].slug, lang), self.web_url))
            if len(found) > 1:
                replies.append(answers.more_articles(lang, found[1:]))
            return Turn("guidance", tuple(replies))
        if state.age_months is not None:
            chosen = [a for a in self.library.select(age_months=state.age_months, locale="zh")][:8]
            replies.append(answers.articles_for_age(lang, state.age_months, chosen))
            return Turn("guidance", tuple(replies))
        replies.append(answers.ask_age_or_topic(lang))
        return Turn("guidance", tuple(replies))

    def _articles_for(self, text: str, age_months: int | None) -> list[Article]:
        """Best matches for the words; an emergency leads to its first aid; a stated age keeps to that age."""
        if not text:
            return []
        if is_emergency(text):
            slug = "choking-first-aid" if is_choking(text) else "when-to-see-a-doctor"
            return [self.library.get(slug, "zh")]
        found = self.library.search(text, locale="zh", limit=10)
        if age_months is not None:
            # "8个月要打什么疫苗" must not end on the 18-month article because "8" is inside "18".
            found = [a for a in found if a.covers_age(age_months)] or found
        return found[:3]

    def _article(self, state: State, slug: str) -> Turn:
        try:
            article = self._localised(slug, state.language)
        except GuidanceError:
            return Turn("guidance", (answers.not_understood(state.language),))
        return Turn("guidance", tuple(answers.article(state.language, article, self.web_url)))

    def _localised(self, slug: str, lang: str) -> Article:
        locale = lang if lang in self.library.locales_of(slug) else "zh"
        return self.library.get(slug, locale)

    # -- subsidy -------------------------------------------------------------------------------------
    def _subsidy(self, state: State, message: Message, text: str) -> Turn:
        province = find_province(text)
        county = self._county_code(text)
        if county:
            state.region_code = county
        elif province:
            state.region_code = province.code
        if not state.region_code or state.region_code == "-":
            state.pending = "subsidy_region"
            return Turn("subsidy", (answers.ask_region(state.language),))
        state.pending = None
        region_name = self._region_name(state.region_code)
        return Turn("subsidy", (answers.subsidies(state.language, region_name, subsidies_for(state.region_code)),))

    def _region_name(self, code: str) -> str:
        county = self.gazetteer.county(code)
        if county:
            return county.full_name
        province = province_of(code)
        city = self._city_names.get(code) if not code.endswith("0000") else None
        return (province.name if province else "") + (city or "") or code

    # -- subscriptions -------------------------------------------------------------------------------
    def _subscribe(self, state: State, message: Message, text: str) -> Turn:
        lang, today = state.language, self.today()
        if self.subscriptions is None or message.chat_id is None:
            return Turn("subscribe", (answers.subscribe_in_bot(lang, self.bot_username),))
        if is_bad_date(text):
            state.pending = "subscribe_date"
            return Turn("subscribe", (answers.bad_date(lang),))
        born = find_date(text, today)
        if born:
            state.birth_date = born.isoformat()
        county = self._county_code(text)
        if county:
            state.region_code = county
        if not state.consent:
            state.pending = "subscribe_consent"
            return Turn("subscribe", (answers.consent(lang, self.web_url),))
        if not state.birth_date:
            state.pending = "subscribe_date"
            return Turn("subscribe", (answers.ask_birth_date(lang, for_leave=False),))
        birth = date.fromisoformat(state.birth_date)
        problem = answers.subscription_date_problem(lang, birth, today)
        if problem:
            state.birth_date, state.pending = None, "subscribe_date"
            return Turn("subscribe", (problem,))
        if not state.region_code:
            state.pending = "subscribe_region"
            return Turn("subscribe", (answers.ask_subscribe_region(lang),))
        region = None if state.region_code == "-" else state.region_code
        try:
            self.subscriptions.subscribe(message.chat_id, birth, region, lang, self.clock())
        except ValueError:  # the service's own checks (date, region); our questions should have caught them
            state.birth_date, state.pending = None, "subscribe_date"
            return Turn("subscribe", (answers.ask_birth_date(lang, for_leave=False),))
        state.pending = None
        return Turn("subscribe", (answers.subscribed(lang, birth, today),))

    def _unsubscribe(self, state: State, message: Message, text: str) -> Turn:
        state.pending = None
        stopped = bool(self.subscriptions and message.chat_id is not None and self.subscriptions.stop(message.chat_id))
        return Turn("unsubscribe", (answers.unsubscribed(state.language, stopped),))

    def _forget(self, session: str, state: State, message: Message) -> Turn:
        if self.subscriptions is not None and message.chat_id is not None:
            self.subscriptions.forget(message.chat_id)
        self.conversations.delete(session)
        return Turn("forgotten", (answers.forgotten(state.language),))

    def _loss(self, state: State, message: Message, text: str) -> Turn:
        if self.subscriptions is not None and message.chat_id is not None:
            self.subscriptions.mark_loss(message.chat_id)
        state.pending, state.birth_date, state.age_months = None, None, None
        asks_leave = classify(text).intent == "leave" or "假" in text
        return Turn("unsubscribe", (answers.loss(state.language, with_miscarriage_leave=asks_leave),))

    # -- complaint, help, start ----------------------------------------------------------------------
    def _complaint(self, state: State, message: Message, text: str) -> Turn:
        state.pending = None
        named = [m.centre for m in self.registry.search(CHECK_FILLER.sub("", text), limit=1) if m.score >= 85]
        centre = named[0] if named else None
        region = centre.district_code if centre else state.region_code
        region_name = self._region_name(region) if region and region != "-" else None
        about = "fees" if any(w in text for w in FEE_WORDS) else "harm" if any(w in text for w in HARM_WORDS) else None
        return Turn("complaint", (answers.complaint(state.language, region_name, about, centre),))

    def _help(self, state: State, message: Message, text: str) -> Turn:
        state.pending = None
        if any(word in text.lower() for word in ("谢谢", "感谢", "thank")):
            return Turn("help", (answers.you_are_welcome(state.language),))
        return Turn("help", (answers.welcome(state.language, None),))

    def _start(self, state: State, payload: str, message: Message) -> Turn:
        if payload == "subscribe":  # the web page's "subscribe in the bot" link
            return self._subscribe(state, message, "")
        preset = self.deep_links(payload) if payload else None
        title = None
        if preset:
            state.region_code = preset.region_code or state.region_code
            state.centre_id = preset.centre_id or state.centre_id
            state.campaign = preset.campaign or state.campaign
            title = preset.title
        replies = [answers.welcome(state.language, title)]
        if preset and preset.centre_id:
            centre = self.registry.get(preset.centre_id)
            if centre:
                replies.append(answers.centre_detail(state.language, centre, self.web_url))
        return Turn("help", tuple(replies))
