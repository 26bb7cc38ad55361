"""Finding centres around a place or a point, checking a centre by name, and questions about a listed one."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot import answers
from bot.conversations import Pending, State
from bot.flows import Context
from bot.replies import Message, Turn
from bot.slots import find_age_months, find_child_age, find_mode, wants_cheapest, wants_inclusive, wants_vacancies
from bot.understanding.text import CJK_RUN, pinyin
from geodata.centre import Centre, Mode
from geodata.index import Filters, check_point
from geodata.names import NameMatch
from geodata.policy import CIRCLE_MINUTES, MAX_CHILD_AGE_MONTHS

PAGE = 5
TRAILING_WORDS = re.compile(r"[是有吗呢啊呀]+$")  # "小星星托育园是（正规的吗）" leaves 是 behind
CHECK_FILLER = re.compile(
    r"(帮我|帮忙|请问|麻烦|我想|想)?(怎么查|怎样查|如何查|去哪查|查一下|查查|查询|核实一下|核实|看看|问一下|问问)?|"
    r"(有没有|是否|是不是|有无)?(备案|正规|合法|靠谱|资质|黑托|黑机构)(了|的|过)?(吗|呢|没有|没)?|"
    r"(这家|这个|那家|那个|一家|叫做|叫|名字是|机构|的)|[?？!！。,，、\s]|"
    r"\b(is|it|the|centre|center|registered|filed|licensed|legit|check|a)\b",
    re.I,
)


def find(ctx: Context, state: State, message: Message, text: str) -> Turn:
    age = find_age_months(text)
    if age is not None and age > MAX_CHILD_AGE_MONTHS and "以下" not in text:  # "孩子4岁了能去托育吗"
        state.topic, state.pending = "find_centre", None
        return Turn("find_centre", (answers.over_three(state.language),))
    read_filters(state, text)
    places = ctx.gazetteer.places_in(text) if text else []
    if state.pending is Pending.find_place and state.ambiguous and text:  # "杭锦旗的那个" picks one of them
        places = ctx.gazetteer.places_in(f"{text} {state.ambiguous}")
    if not places and state.place and state.pending is not Pending.find_place:
        places = ctx.gazetteer.places_in(state.place)  # a follow-up ("非普惠的也看看") keeps the place named before
    if len({(p.name, p.county_code) for p in places}) > 1:
        said = next((name for p in places for name in p.names if name in text), places[0].name)
        state.pending, state.ambiguous, state.topic = Pending.find_place, said, "find_centre"
        return Turn("find_centre", (answers.which_place(state.language, said, places, ctx.gazetteer.county_name),))
    state.ambiguous = None
    if places:
        place = places[0]
        county = ctx.gazetteer.county(place.county_code)
        state.place = place.name + (county.name if county and county.name not in place.name else "")
        state.pending = None
        return find_at(ctx, state, place.lat, place.lon, place=place.name)
    if state.pending is Pending.find_place and text:
        found = ctx.geocoder.geocode(text)
        if not found:
            return Turn("find_centre", (answers.place_not_found(state.language, text),))
        state.pending = None
        return find_at(ctx, state, found[0].lat, found[0].lon, place=found[0].name)
    state.pending = Pending.find_place
    return Turn("find_centre", (answers.ask_location(state.language),))


def find_at(ctx: Context, state: State, lat: float, lon: float, *, place: str | None, offset: int = 0) -> Turn:
    try:
        check_point(lat, lon)
    except ValueError:
        return Turn("find_centre", (answers.bad_location(state.language),))
    county = ctx.gazetteer.county_at(lat, lon)
    if county and not state.region_code:
        state.region_code = county.code
    if place is None:
        state.place = None  # a shared point replaces a named place; the point itself is not kept
    everything = ctx.registry.within(lat, lon, CIRCLE_MINUTES, limit=None)
    # The circle's centres are kept instead, so that "孩子才5个月" narrows the same circle.
    state.around = [m.centre.id for m in everything] if place is None else []
    within = [m for m in everything if _filters(state).accepts(m.centre)]
    if state.cheapest_first:  # by the lowest fee registered, those with none last; the nearer first at a tie
        within.sort(key=lambda m: (m.centre.lowest_fee is None, m.centre.lowest_fee or 0))
    state.topic, state.centre_id, state.asked = "find_centre", None, []
    any_kind = [m for m in everything if _filters(state, any_kind=True).accepts(m.centre)] \
        if state.inclusive_only else []
    state.nearby = [m.centre.id for m in any_kind]
    if within:
        page = within[offset:offset + PAGE]
        state.listed, state.shown, state.page_start = [m.centre.id for m in within], offset + len(page), offset
        replies = answers.centres(state, page, lat, lon, offset=offset, more=len(within) > offset + PAGE,
                                  total=len(within), place=place, web_url=ctx.web_url)
    elif ctx.registry.is_empty():
        state.listed, state.shown = [], 0
        return Turn("find_centre", (answers.registry_empty(state.language),))
    else:
        page = answers.near_enough(ctx.registry.nearest(lat, lon, _filters(state), limit=3))
        state.listed, state.shown, state.page_start = [m.centre.id for m in page], len(page), 0
        replies = answers.none_within(state, page, lat, lon, place=place, web_url=ctx.web_url)
    if offset == 0 and state.shown == len(state.listed) and len(page) < PAGE and not state.inclusive_asked:
        # Every inclusive centre fits on the page: the nearest others in the same circle follow, marked as such
        # (unless the parent asked for 普惠 ones only).
        others = [m for m in any_kind if m.centre.id not in state.listed][:PAGE - len(page)]
        if others:
            state.listed, state.shown = state.listed + [m.centre.id for m in others], state.shown + len(others)
            replies += answers.widened(state, others, lat, lon, offset=len(page), place=place, web_url=ctx.web_url)
            page = [*page, *others]
    return Turn("find_centre", replies, centres=tuple(m.centre.id for m in page))


def next_page(ctx: Context, state: State) -> Turn:
    """"还有别的吗": the next centres of the last search. A named place is searched again; after a shared
    point (never kept) the rest of the list is shown by name."""
    if not state.listed and not state.nearby:
        return find(ctx, state, Message(), "")
    if state.shown >= len(state.listed):
        return _widen(ctx, state)
    if state.place:
        places = ctx.gazetteer.places_in(state.place)
        if places:
            return find_at(ctx, state, places[0].lat, places[0].lon, place=places[0].name, offset=state.shown)
    start = state.shown
    chosen = [c for c in (ctx.registry.get(i) for i in state.listed[start:start + PAGE]) if c is not None and c.offered]
    state.shown, state.page_start = start + PAGE, start
    return Turn("find_centre", (answers.centre_cards(state, chosen, offset=start,
                                                     more=len(state.listed) > state.shown),),
                centres=tuple(c.id for c in chosen))


def refine(ctx: Context, state: State, message: Message, text: str) -> Turn:
    """"只要普惠的", "那要是2岁半呢": the last search again with the new filter. A named place is searched again;
    after a shared point (never kept) the centres found around it are filtered instead."""
    if state.place:
        return find(ctx, state, message, text)
    read_filters(state, text)
    seen = [c for c in (ctx.registry.get(i) for i in dict.fromkeys([*state.around, *state.nearby, *state.listed]))
            if c is not None and c.offered]
    chosen = [c for c in seen if _filters(state).accepts(c)]
    # As after the search itself: unless only 普惠 ones were asked for, the others that fit follow them.
    others = [] if state.inclusive_asked or not state.inclusive_only else \
        [c for c in seen if c not in chosen and _filters(state, any_kind=True).accepts(c)]
    widened = not chosen and bool(others) and bool(state.around)
    chosen += others
    state.listed, state.nearby, state.centre_id = [c.id for c in chosen], [], None
    state.shown, state.page_start = min(PAGE, len(chosen)), 0
    if not chosen:
        return Turn("find_centre", (answers.none_left_after_filter(state.language),))
    return Turn("find_centre", (answers.centre_cards(state, chosen[:PAGE], offset=0, more=len(chosen) > PAGE,
                                                     widened=widened),),
                centres=tuple(c.id for c in chosen[:PAGE]))


def farther(ctx: Context, state: State, message: Message, text: str) -> Turn:
    """"远点也行", "远一点的普惠的": the nearest centres not yet shown beyond the circle, as far as FAR_M, with the
    filters said now or before. A shared point is never kept: after one, the nearest found beyond its circle, or
    a request for a place name."""
    if not state.place and state.around:  # a shared point is not kept: there is nowhere to search out from
        return Turn("find_centre", (answers.farther_after_point(state.language),))
    if not state.place:  # nothing was in its circle: the nearest beyond it were already found
        return refine(ctx, state, message, text)
    read_filters(state, text)
    return _beyond(ctx, state, any_kind=not state.inclusive_only) or Turn(
        "find_centre", (answers.no_more(state.language, len(state.listed), any_kind_shown=not state.inclusive_only),))


def _beyond(ctx: Context, state: State, *, any_kind: bool) -> Turn | None:
    """The nearest centres beyond those listed, around the place last named, as far as FAR_M."""
    places = ctx.gazetteer.places_in(state.place) if state.place else []
    if not places:
        return None
    seen = set(state.listed)
    nearest = ctx.registry.nearest(places[0].lat, places[0].lon, _filters(state, any_kind=any_kind),
                                   limit=len(seen) + PAGE)
    beyond = [m for m in answers.near_enough(nearest) if m.centre.id not in seen][:PAGE]
    if not beyond:
        return None
    start = len(state.listed)
    state.listed, state.shown = state.listed + [m.centre.id for m in beyond], start + len(beyond)
    state.page_start = start
    return Turn("find_centre", answers.farther(state, beyond, offset=start, web_url=ctx.web_url),
                centres=tuple(m.centre.id for m in beyond))


def _widen(ctx: Context, state: State) -> Turn:
    """Every inclusive centre is shown: the others in the same circle come next, with the parent told so."""
    others = [i for i in state.nearby if i not in state.listed]
    if not others and (beyond := _beyond(ctx, state, any_kind=True)):  # the circle is exhausted
        return beyond
    if not others:
        return Turn("find_centre", (answers.no_more(state.language, len(state.listed),
                                                    any_kind_shown=bool(state.nearby) or not state.inclusive_only),))
    state.inclusive_only, state.nearby = False, []
    state.listed, state.shown = state.listed + others, len(state.listed)
    state.page_start = state.shown
    if state.place:
        places = ctx.gazetteer.places_in(state.place)
        if places:
            matches = [m for m in ctx.registry.within(places[0].lat, places[0].lon, CIRCLE_MINUTES, _filters(state),
                                                      limit=None) if m.centre.id in others][:PAGE]
            state.shown += len(matches)
            return Turn("find_centre", answers.widened(state, matches, places[0].lat, places[0].lon,
                                                       offset=state.shown - len(matches), place=places[0].name,
                                                       web_url=ctx.web_url),
                        centres=tuple(m.centre.id for m in matches))
    chosen = [c for c in (ctx.registry.get(i) for i in others[:PAGE]) if c is not None and c.offered]
    start, state.shown = state.shown, state.shown + len(chosen)
    return Turn("find_centre", (answers.centre_cards(state, chosen, offset=start,
                                                     more=len(state.listed) > state.shown, widened=True),),
                centres=tuple(c.id for c in chosen))


def read_filters(state: State, text: str) -> None:
    inclusive = wants_inclusive(text)
    if inclusive is not None:
        state.inclusive_only = state.inclusive_asked = inclusive
    mode = find_mode(text)
    if mode:
        state.mode = mode.value
    age = find_child_age(text)
    if age is not None and age <= MAX_CHILD_AGE_MONTHS:
        state.age_months = age
    if wants_vacancies(text):
        state.vacancies_only = True
    if wants_cheapest(text):
        state.cheapest_first = True


def _filters(state: State, *, any_kind: bool = False) -> Filters:
    return Filters(inclusive=state.inclusive_only and not any_kind, mode=Mode(state.mode) if state.mode else None,
                   age_months=state.age_months, with_vacancies=state.vacancies_only)


def check(ctx: Context, state: State, message: Message, text: str) -> Turn:
    name = centre_name_in(text)
    if len(name) < 2:
        state.pending = Pending.check_name
        return Turn("check_centre", (answers.ask_centre_name(state.language),))
    state.pending, state.asked = None, []
    if ctx.registry.is_empty():  # not loaded: "not in the register" would be untrue
        return Turn("check_centre", (answers.registry_empty(state.language),))
    found = ctx.registry.search(name, limit=5)
    strong = [m.centre for m in found if m.score >= 85]
    said = [] if strong else names_in(ctx, text)  # "小天使那个可以住宿吗": the one centre whose own name is said
    sounded = [] if strong or said else sounded_in(ctx, name)
    if len(said) == 1 or len(sounded) == 1:  # "知雨托育中心": 知语托育中心 by its sound
        strong = said if len(said) == 1 else sounded
        found = [NameMatch(strong[0], 100.0)]
    if only_a_place(ctx, name) or (not strong and WHICH_ONES.search(text)):
        return find(ctx, state, message, text)  # "瑞祥社区 托育", "托育", "哪些托育是普惠的": not a centre's name
    if not strong and state.centre_id and REFERS_BACK.search(text):  # "那个是不是正规备了案的哦": the one in focus
        return centre_detail(ctx, state, state.centre_id)
    if not strong and ASKS_WHICH_CENTRE.search(text) and "叫" not in text:  # "听说有家托育园…是哪家": no name yet
        state.pending = Pending.check_name
        return Turn("check_centre", (answers.ask_centre_name(state.language),))
    suggested = strong or [m.centre for m in found]  # "您是不是要找…": "它在哪" then means the ones suggested
    state.topic = "check_centre"
    state.listed, state.shown, state.page_start = [c.id for c in suggested[:4]], len(suggested[:4]), 0
    state.centre_id = suggested[0].id if len(suggested) == 1 or strong else None
    return Turn("check_centre", answers.check_result(state.language, name, found, by_sound=len(sounded) == 1),
                centres=tuple(state.listed))


def only_a_place(ctx: Context, words: str) -> bool:
    """Do the words say only what every centre's name says (托育, 托儿所), perhaps with a known place?"""
    places = ctx.gazetteer.places_in(words)
    for name in sorted({n for p in places for n in p.names}, key=len, reverse=True):
        words = words.replace(name, "")
    return not GENERIC_NAME_WORDS.sub("", words).strip()


REFERS_BACK = re.compile(r"那个|这个|那家|这家|它|该机构|\bthis one\b|\bthat one\b|\bit\b", re.I)
WHICH_ONES = re.compile(r"哪些|哪几家|有哪|\bwhich (?:ones|centres|centers)\b", re.I)
# "听说有家托育园…是哪家": the parent does not know the name either.
ASKS_WHICH_CENTRE = re.compile(r"是哪一?家|哪一家|说的是哪|是哪个(?:园|托育|机构)|"
                               r"\bwhich (?:one|centre|center|daycare|nursery)\b", re.I)


def centre_name_in(text: str) -> str:
    return TRAILING_WORDS.sub("", CHECK_FILLER.sub("", text).strip())


def centre_detail(ctx: Context, state: State, centre_id: str) -> Turn:
    centre = ctx.registry.get(centre_id)
    if centre is None:
        return Turn("check_centre", (answers.centre_unknown(state.language),))
    state.centre_id, state.asked = centre.id, []
    return Turn("check_centre", (answers.centre_detail(state.language, centre, ctx.web_url),), centres=(centre.id,))


def listed_question(ctx: Context, state: State, ids: list[str], asked: str, intent: str) -> Turn:
    """The same question about each centre just shown ("收几个月的", "有空位吗"), one short line each."""
    chosen = [c for c in (ctx.registry.get(i) for i in ids) if c is not None]
    numbered = [(state.listed.index(c.id) + 1 if c.id in state.listed else n, c) for n, c in enumerate(chosen, 1)]
    state.topic = intent
    return Turn(intent, (answers.listed_facts(state.language, numbered, asked),), centres=tuple(c.id for c in chosen))


def by_fee(ctx: Context, state: State, intent: str) -> Turn:
    """"哪家最便宜": the centres shown so far, cheapest first by the fees they registered, with their numbers in the
    list; those with no fee on record come last. "它" then means the cheapest."""
    shown = [ctx.registry.get(i) for i in state.listed[:state.shown or None]]
    numbered = [(n, c) for n, c in enumerate(shown, 1) if c is not None]
    ranked = sorted(numbered, key=lambda nc: (nc[1].lowest_fee is None, nc[1].lowest_fee or 0, nc[0]))
    state.topic, state.asked = intent, ["fee"]
    state.centre_id = ranked[0][1].id if ranked and ranked[0][1].lowest_fee is not None else None
    return Turn(intent, (answers.listed_by_fee(state.language, ranked),), centres=tuple(c.id for _, c in ranked))


def centre_question(ctx: Context, state: State, centre: Centre, asked: Sequence[str], intent: str,
                    child_months: int | None = None) -> Turn:
    """A short answer about one listed centre: its phone, fee, address, hours, ages (and whether the child's age
    fits), vacancies, status, filing; one line for each thing asked."""
    state.centre_id, state.topic, state.asked = centre.id, intent, list(asked)
    return Turn(intent, (answers.centre_facts(state.language, centre, asked, child_months),), centres=(centre.id,))


# The words every centre name shares; what is left (小星星, 育才) tells one centre from another.
SAMPLE_MARK = re.compile(r"（示例）|\(示例\)")  # the sample data's names carry it; parents do not type it
GENERIC_NAME_WORDS = re.compile(SAMPLE_MARK.pattern + r"|托育|中心|机构|幼儿园|托班|托儿所|社区|家庭|服务|有限公司|"
                                r"职工|员工|园|点|站|所|室|馆|屋|苑")
LEADING_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,6}?(?:镇|旗|县|区|乡|苏木|街道)(?=[\u4e00-\u9fff]{2})")
SPACE_IN_CHINESE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
CHINESE_RUN = re.compile(r"[\u4e00-\u9fff（）()·]+")
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def named_centre(ctx: Context, text: str) -> Centre | None:
    """A filed centre the message names, matched against the registry; None when no name is close enough."""
    chinese = "".join(CHINESE_RUN.findall(text))
    words = chinese if len(chinese) >= 3 and ASCII_WORD.search(text) else text  # "how much is 小星星托育园"
    found = [m.centre for m in ctx.registry.search(CHECK_FILLER.sub("", words), limit=1) if m.score >= 85]
    if found:
        return found[0]
    # "我要投诉小星星托育园乱收费": the name inside the sentence; "知雨托育中心": a homophone of 知语托育中心.
    said = names_in(ctx, text) or sounded_in(ctx, text)
    if len(said) > 1:  # "萌宝驿站天骄社区点": the one of several 萌宝驿站 whose every own part is said
        parts: dict[str, list[str]] = ctx.registry.memo("name-parts", _name_parts)
        said = [c for c in said if all(part in text for part, ids in parts.items() if c.id in ids)]
    return said[0] if len(said) == 1 else None


def names_in(ctx: Context, text: str) -> list[Centre]:
    """The filed centres whose own part of the name the message holds ("那个小星星早上几点…" → 小星星托育园), longest
    names first; a part inside a longer one that also matched does not count."""
    parts: dict[str, list[str]] = ctx.registry.memo("name-parts", _name_parts)
    text = SPACE_IN_CHINESE.sub("", text)  # "锡尼镇 小天使那家": the name typed in two pieces
    places = [p.name for p in ctx.gazetteer.places_in(text)]  # "府东街社区" is a place, not 府东街家庭托育点
    spans = [(i, j, text[i:j]) for i in range(len(text)) for j in range(i + 2, min(len(text), i + 12) + 1)
             if text[i:j] in parts and not any(text[i:j] in place for place in places)]
    kept = [part for i, j, part in spans if not any(a <= i and j <= b and b - a > j - i for a, b, _ in spans)]
    found = dict.fromkeys(centre_id for part in kept for centre_id in parts[part])
    return [c for c in (ctx.registry.get(i) for i in found) if c is not None]


def listed_by_part(ctx: Context, text: str, shown: set[str]) -> list[Centre]:
    """The listed centres whose own name part is said, even one that is also a place ("那府东街那家呢" after a list
    with 府东街家庭托育点): among the centres just shown, the place reading does not compete."""
    parts: dict[str, list[str]] = ctx.registry.memo("name-parts", _name_parts)
    found = dict.fromkeys(i for part, ids in parts.items() if len(part) >= 2 and part in text
                          for i in ids if i in shown)
    return [c for c in (ctx.registry.get(i) for i in found) if c is not None]


def listed_by_whole_name(ctx: Context, text: str, shown: set[str] | None) -> list[Centre]:
    """The centres listed (`shown`), or any filed centre (None), whose whole name (without the sample mark) the
    message holds."""
    chosen = [m.centre for m in ctx.registry.search(text, limit=3)] if shown is None \
        else [ctx.registry.get(i) for i in shown]  # the name index, not a scan of every centre
    return [c for c in chosen if c is not None and SAMPLE_MARK.sub("", c.name) in text]


def sounded_in(ctx: Context, text: str) -> list[Centre]:
    """The filed centres whose own part of the name the message holds in sound (知雨 for 知语, 萌宝译站 for 萌宝驿站):
    the same toneless pinyin, read per run of Chinese characters; the longest part said wins."""
    sounds: dict[str, list[str]] = ctx.registry.memo("name-sounds", _name_sounds)
    found: list[tuple[int, str]] = []
    for run in CJK_RUN.findall(SPACE_IN_CHINESE.sub("", text)):
        spoken = pinyin(run)
        found += [(j - i, key) for i in range(len(spoken)) for j in range(i + 2, min(len(spoken), i + 12) + 1)
                  if (key := " ".join(spoken[i:j])) in sounds]
    if not found:
        return []
    longest = max(size for size, _ in found)
    ids = dict.fromkeys(i for size, key in found if size == longest for i in sounds[key])
    return [c for c in (ctx.registry.get(i) for i in ids) if c is not None]


def _name_sounds(snapshot: object) -> dict[str, list[str]]:
    """The toneless pinyin of each centre's own part of its name, to the ids that carry it."""
    sounds: dict[str, list[str]] = {}
    for part, ids in _name_parts(snapshot).items():
        if CJK_RUN.fullmatch(part):
            sounds.setdefault(" ".join(pinyin(part)), []).extend(ids)
    return sounds


def _name_parts(snapshot: object) -> dict[str, list[str]]:
    """Each centre's own part of its name (萌宝驿站·天骄社区点 → 萌宝驿站, 天骄), to the ids that carry it."""
    parts: dict[str, list[str]] = {}
    for centre in snapshot.all():  # type: ignore[attr-defined]
        for piece in re.split(r"[·・\s]", centre.name):
            own = GENERIC_NAME_WORDS.sub("", piece)
            bare = LEADING_PLACE.sub("", own)  # 锡尼镇小天使 is also called 小天使
            for part in {own, bare}:
                if len(part) >= 2:
                    parts.setdefault(part, []).append(centre.id)
    return parts
