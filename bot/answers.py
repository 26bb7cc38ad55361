"""How the engine words its answers, in simplified Chinese first and English second.

Every word comes from the catalogue (bilingual/messages/bot.yaml, keys "bot.…"; a centre's kind, status, service
forms and demonstration level from the pages' kind.*, status.*, mode.* and demo.*): `msg(key, **values)(lang)`.
Replies carry plain text for every channel, and Telegram-HTML where links or emphasis help.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from bilingual import Text, catalogue, msg
from bot import buttons as data
from bot.conversations import State
from bot.replies import Button, Reply
from common import china_today
from content.guidance.model import Article
from content.guidance.render import web_link
from content.leave.calculator import LeaveResult
from content.leave.explain import UNIT_EN, UNIT_ZH, explain
from content.subsidies import Subsidy
from geodata.centre import Centre, FeeRange, Mode, Status
from geodata.gazetteer import Place
from geodata.index import Match
from geodata.maplinks import map_links
from geodata.names import NameMatch
from geodata.policy import FAR_M, MAX_CHILD_AGE_DAYS, MAX_CHILD_AGE_MONTHS, MAX_DUE_DAYS_AHEAD
from geodata.regions import province_of
from messaging.telegram_format import render_telegram

# -- menus and small talk -------------------------------------------------------------------------------
MENU = (("find_centre", "check_centre"), ("leave", "guidance"), ("subsidy", "subscribe"))


def menu_buttons(lang: str) -> tuple[tuple[Button, ...], ...]:
    other = "en" if lang == "zh" else "zh"
    return (
        *(tuple(Button(msg(f"bot.menu.{name}")(lang), data=data.encode(data.Menu(name))) for name in row)
          for row in MENU),
        (Button(msg("bot.menu.complaint")(lang), data=data.encode(data.Menu("complaint"))),
         Button(msg("base.other_language")(lang), data=data.encode(data.Language(other)))),
    )


def welcome(lang: str, title: str | None) -> Reply:
    intro = msg("bot.welcome")(lang)
    if title:
        intro = msg("bot.welcome_from", title=title)(lang) + "\n" + intro
    return Reply(intro + "\n\n" + msg("bot.emergency")(lang), buttons=menu_buttons(lang))


def not_understood(lang: str) -> Reply:
    return Reply(msg("bot.not_understood")(lang), buttons=menu_buttons(lang))


def language_switched(lang: str) -> Reply:
    return Reply(msg("bot.language_switched")(lang), buttons=menu_buttons(lang))


# -- finding centres -------------------------------------------------------------------------------------
def ask_location(lang: str) -> Reply:
    return Reply(msg("bot.find.ask_location")(lang), request_location=True)


def place_not_found(lang: str, text: str) -> Reply:
    return Reply(msg("bot.find.place_not_found", text=text)(lang), request_location=True)


def which_place(lang: str, name: str, places: Sequence[Place], region_name: Callable[[str], str]) -> Reply:
    options = msg("bot.find.choices_separator")(lang).join(
        msg("bot.find.which_place_option", county=region_name(p.county_code), name=p.name)(lang) for p in places[:6])
    return Reply(msg("bot.find.which_place", name=name, options=options)(lang),
                 buttons=tuple((Button(f"{p.name}（{region_name(p.county_code)}）"[:40],
                                       data=data.encode(data.At(p.lat, p.lon))),) for p in places[:6]),
                 request_location=True)


def bad_location(lang: str) -> Reply:
    return Reply(msg("bot.find.bad_location")(lang), request_location=True)


def _centre_lines(lang: str, centre: Centre) -> list[str]:
    tags = [msg(f"kind.{centre.kind.value}")(lang),
            msg("common.inclusive" if centre.inclusive else "common.not_inclusive")(lang)]
    if centre.demo_level:
        tags.append(msg(f"demo.{centre.demo_level.value}")(lang))
    lines = [" · ".join(tags)]
    details = []
    if centre.modes:
        details.append(_modes(lang, centre))
    details.append(msg("bot.centre.ages", span=centre.age_span)(lang))
    if centre.vacancies is not None:
        cap = f"/{centre.capacity}" if centre.capacity is not None else ""
        details.append(msg("bot.centre.vacancies", free=centre.vacancies, capacity=cap)(lang)
                       + vacancies_note(lang, centre, china_today()))
    lines.append(" · ".join(details))
    fees = centre.fee_span
    if fees:
        lines.append(msg("bot.centre.fees", fees=fees)(lang))
    if centre.phone:
        lines.append(msg("bot.centre.phone", phone=centre.phone)(lang))
    lines.append(msg("bot.centre.address", address=centre.address)(lang))
    return lines


def _modes(lang: str, centre: Centre) -> str:
    return "/".join(msg(f"mode.{m.value}")(lang) for m in centre.modes)


def _name(lang: str, centre: Centre) -> str:
    return (msg("bot.sample_prefix")(lang) if centre.is_sample else "") + centre.name


def _walk(lang: str, match: Match) -> str:
    if match.walk_minutes > 60:  # too far to walk: say how far, not how many minutes
        return msg("bot.walk.far", km=f"{match.distance_m / 1000:.1f}")(lang)
    how = msg("bot.walk.along_streets" if match.along_streets else "bot.walk.estimate")
    return msg("bot.walk.minutes", minutes=max(1, round(match.walk_minutes)), how=how,
               metres=f"{match.distance_m:.0f}")(lang)


def _nav_html(lang: str, centre: Centre) -> str:
    links = [f'<a href="{html.escape(m.url)}">{html.escape(Text.of(m)(lang))}</a>'
             for m in map_links(centre.lat, centre.lon, centre.name)]
    return msg("bot.nav.directions")(lang) + " | ".join(links)


def _nav_text(lang: str, centre: Centre) -> str:
    amap = map_links(centre.lat, centre.lon, centre.name)[0]
    return msg("bot.nav.amap", url=amap.url)(lang)


def _match_block(lang: str, index: int, match: Match, web_url: str) -> tuple[str, str]:
    c = match.centre
    lines = _centre_lines(lang, c)
    text = "\n".join([f"{index}. {_name(lang, c)}", f"   {_walk(lang, match)}", *(f"   {x}" for x in lines),
                      f"   {_nav_text(lang, c)}"])
    page = f' · <a href="{html.escape(web_url)}/centres/{html.escape(c.id)}">{msg("bot.centre.details")(lang)}</a>' \
        if web_url else ""
    rich = "\n".join([f"<b>{index}. {html.escape(_name(lang, c))}</b>", html.escape(_walk(lang, match)),
                      *(html.escape(x) for x in lines), _nav_html(lang, c) + page])
    return text, rich


def _include_non_inclusive(lang: str, lat: float, lon: float) -> Button:
    return Button(msg("bot.find.include_non_inclusive")(lang), data=data.encode(data.More(lat, lon, 0, False)))


def centres(state: State, page: Sequence[Match], lat: float, lon: float, *, offset: int, more: bool, total: int,
            place: str | None, web_url: str) -> tuple[Reply, ...]:
    lang = state.language
    order = "bot.find.within_walk_by_fee" if state.cheapest_first else "bot.find.within_walk"
    head = _searched_from(lang, place) + msg(order, total=total, scope=filters_text(state))(lang)
    blocks = [_match_block(lang, offset + i + 1, m, web_url) for i, m in enumerate(page)]
    foot = msg("bot.find.walk_estimates")(lang)
    if any(m.centre.is_sample for m in page):
        foot += "\n" + msg("bot.find.sample_note")(lang)
    rows: list[tuple[Button, ...]] = []
    if more:
        rows.append((Button(msg("bot.find.more")(lang), data=data.encode(data.More(lat, lon, offset + len(page),
                                                                                  state.inclusive_only))),))
    if state.inclusive_only:
        rows.append((_include_non_inclusive(lang, lat, lon),))
    rows.extend((Button(f"{offset + i + 1}. {m.centre.name[:20]}", data=data.encode(data.Centre(m.centre.id))),)
                for i, m in enumerate(page) if len(f"centre:{m.centre.id}".encode()) <= data.MAX_BYTES)
    text = "\n\n".join([head, *(b[0] for b in blocks), foot])
    rich = "\n\n".join([html.escape(head), *(b[1] for b in blocks), html.escape(foot)])
    return (Reply(text, buttons=tuple(rows), html=rich),)


def filters_text(state: State) -> str:
    """The filters in force, in words: "收10个月宝宝、全日托、有空位的普惠" """
    lang, parts = state.language, []
    if state.age_months is not None:
        parts.append(msg("bot.filter.age", months=state.age_months)(lang))
    if state.mode:
        parts.append(msg(f"mode.{Mode(state.mode).value}")(lang))
    if state.vacancies_only:
        parts.append(msg("bot.filter.vacancies")(lang))
    if state.inclusive_only:
        parts.append(msg("common.inclusive")(lang))
    if not parts:
        return ""
    return msg("bot.filter.scope", filters=msg("common.list_separator")(lang).join(parts))(lang)


def _searched_from(lang: str, place: str | None) -> str:
    """Every answer names the point it searched from, so a wrong guess shows at once."""
    return msg("bot.find.searching_around", place=place)(lang) + "\n" if place else ""


def none_within(state: State, beyond: Sequence[Match], lat: float, lon: float, *, place: str | None,
                web_url: str) -> tuple[Reply, ...]:
    lang = state.language
    scope = filters_text(state)
    near = near_enough(beyond)
    widen: tuple[tuple[Button, ...], ...] = ((_include_non_inclusive(lang, lat, lon),),) if state.inclusive_only \
        else ()
    if not near:
        return (Reply(_searched_from(lang, place) + msg("bot.find.none_near", km=FAR_M // 1000, scope=scope)(lang),
                      buttons=widen),)
    head = _searched_from(lang, place) + msg("bot.find.none_within", scope=scope)(lang)
    blocks = [_match_block(lang, i + 1, m, web_url) for i, m in enumerate(near)]
    text = "\n\n".join([head, *(b[0] for b in blocks)])
    rich = "\n\n".join([html.escape(head), *(b[1] for b in blocks)])
    return (Reply(text, buttons=widen, html=rich),)


# -- checking a centre -----------------------------------------------------------------------------------
def ask_centre_name(lang: str) -> Reply:
    return Reply(msg("bot.check.ask_name")(lang))


def centre_unknown(lang: str) -> Reply:
    return Reply(msg("bot.check.unknown")(lang))


def _status(lang: str, centre: Centre) -> str:
    return msg(f"status.{centre.status.value}")(lang)


def _status_sentence(lang: str, centre: Centre) -> str:
    filed = msg("bot.check.filed_on", date=centre.filed_on.isoformat())(lang) if centre.filed_on else ""
    return msg("bot.check.status", name=_name(lang, centre), status=_status(lang, centre), id=centre.id,
               filed=filed)(lang)


def _centre_buttons(found: Sequence[Centre]) -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(c.name[:30], data=data.encode(data.Centre(c.id))),) for c in found[:4])


def check_result(lang: str, name: str, found: Sequence[NameMatch], by_sound: bool = False) -> tuple[Reply, ...]:
    """The filing of the centre named; `by_sound` when the name was matched by its sound (知雨 for 知语)."""
    strong = [m for m in found if m.score >= 85]
    if strong:
        best = strong[0].centre
        lines = [_status_sentence(lang, best)]
        if by_sound:
            lines.insert(0, msg("bot.check.by_sound", name=name, meant=_name(lang, best))(lang))
        if best.status is not Status.active:
            lines.append(msg("bot.check.not_operating")(lang))
        others = [m.centre for m in strong[1:]]
        if others:
            lines.append(msg("bot.check.similar")(lang) + msg("common.list_separator")(lang).join(_name(lang, c)
                                                                                              for c in others))
        return (Reply("\n".join(lines), buttons=_centre_buttons([best, *others])),)
    how = msg("bot.check.how_to_verify")
    if found:
        listed = "；".join(f"{_name(lang, m.centre)}（{_status(lang, m.centre)}）" for m in found[:4])
        return (Reply(msg("bot.check.did_you_mean", name=name, listed=listed)(lang),
                      buttons=_centre_buttons([m.centre for m in found])),
                Reply(msg("bot.check.if_none", how=how)(lang)))
    return (Reply(how(lang)),)


def centre_detail(lang: str, centre: Centre, web_url: str) -> Reply:
    lines = [_status_sentence(lang, centre), *_centre_lines(lang, centre)]
    if centre.hours:
        lines.append(msg("bot.centre.hours", hours=centre.hours)(lang))
    text = "\n".join([*lines, _nav_text(lang, centre)])
    page = f'\n<a href="{html.escape(web_url)}/centres/{html.escape(centre.id)}">{msg("bot.centre.page")(lang)}' \
        "</a>" if web_url else ""
    rich = "\n".join([f"<b>{html.escape(lines[0])}</b>", *(html.escape(x) for x in lines[1:]),
                      _nav_html(lang, centre)]) + page
    return Reply(text, html=rich)


# -- leave ------------------------------------------------------------------------------------------------
def ask_province(lang: str) -> Reply:
    shown = [p for p in (province_of(code) for code in ("150000", "140000", "510000")) if p is not None]
    return Reply(msg("bot.leave.ask_province")(lang),
                 buttons=(tuple(Button(Text.of(p)(lang), data=data.encode(data.Province(p.code))) for p in shown),))


def ask_birth_date(lang: str, *, for_leave: bool) -> Reply:
    return Reply(msg("bot.leave.ask_birth_date" if for_leave else "bot.ask_birth_date")(lang))


def bad_date(lang: str) -> Reply:
    return Reply(msg("bot.bad_date")(lang))


def leave(lang: str, result: LeaveResult, *, caesarean: bool = False) -> tuple[Reply, ...]:
    replies = [Reply(explain(result)(lang))]
    if caesarean:
        replies.append(Reply(msg("bot.leave.caesarean")(lang)))
    return tuple(replies)


# -- guidance ---------------------------------------------------------------------------------------------
def article(lang: str, item: Article, web_url: str, passage: str | None = None) -> list[Reply]:
    """The article's title and summary, the passage that answers the question (when one does), and its link."""
    link = f"{web_url}{web_link(item.slug, item.locale)}" if web_url else ""
    chunks = render_telegram(item)
    head = f"{item.title}\n{item.summary}" + (f"\n\n{passage}" if passage and passage not in item.summary else "") \
        + ("\n" + msg("bot.guidance.read_more", link=link)(lang) if link else "")
    replies = [Reply(head, html=chunks[0] if chunks else None)]
    replies.extend(Reply(_strip_tags(chunk), html=chunk) for chunk in chunks[1:])
    return replies


def article_whole(item: Article) -> list[Reply]:
    """The whole article, sources included, in messages of at most 4,096 characters ("全文", "说具体点")."""
    return [Reply(_strip_tags(chunk), html=chunk) for chunk in render_telegram(item)]


def _strip_tags(fragment: str) -> str:
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def _article_buttons(items: Sequence[Article]) -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(a.title[:40], data=data.encode(data.Guide(a.slug))),) for a in items)


def more_articles(lang: str, items: Sequence[Article]) -> Reply:
    return Reply(msg("bot.guidance.related", titles="；".join(a.title for a in items))(lang),
                 buttons=_article_buttons(items))


def articles_for_age(lang: str, age_months: int, items: Sequence[Article]) -> Reply:
    if not items:
        return Reply(msg("bot.guidance.none_for_age")(lang))
    return Reply(msg("bot.guidance.for_age", months=age_months, titles="；".join(a.title for a in items))(lang),
                 buttons=_article_buttons(items))


def ask_age_or_topic(lang: str) -> Reply:
    return Reply(msg("bot.guidance.ask_age_or_topic")(lang))


# -- subsidies --------------------------------------------------------------------------------------------
def ask_region(lang: str) -> Reply:
    return Reply(msg("bot.subsidy.ask_region")(lang))


def subsidies(lang: str, region_name: str, items: Sequence[Subsidy], region_code: str, *,
              everything: bool = False) -> Reply:
    """What families receive and what the county or city gives its centres, each with its source; the
    province's and the nation's general support for centres and carers is counted, one tap away (or listed too,
    for `everything`)."""
    local = [s for s in items if s.region != "000000"]
    lines = [msg("bot.subsidy.head", region=region_name)(lang)]
    if not local:
        lines.append(msg("bot.subsidy.none_local")(lang))
    shown = list(items) if everything else [s for s in items if s.for_families or not s.region.endswith("0000")]
    lines.extend(subsidy_line(lang, s) for s in shown)
    others = len(items) - len(shown)
    if others:
        lines.append(msg("bot.subsidy.others", count=others)(lang))
    lines.append(msg("bot.subsidy.latest_prevails")(lang))
    more = ((Button(msg("bot.subsidy.show_others", count=others)(lang),
                    data=data.encode(data.Policies(region_code))),),) if others else ()
    return Reply("\n".join(lines), buttons=more)


def how_to_apply(lang: str, region_name: str, for_families: Sequence[Subsidy]) -> Reply:
    """How to apply for each family item, where its document says; otherwise the local health commission and 12345."""
    lines = [f"· {s.statement(lang)}\n  " + (s.apply_text(lang) or msg("bot.subsidy.apply_unknown")(lang))
             for s in for_families]
    lines.append(msg("bot.subsidy.apply_where", region=region_name)(lang))
    return Reply("\n".join(lines))


def subsidy_line(lang: str, item: Subsidy) -> str:
    mark = "" if item.verified else msg("bot.subsidy.unverified")(lang)
    source = msg("bot.subsidy.source", source=item.citation())(lang)
    return f"· {item.text(lang)}{mark}\n  {source}"


def fees(lang: str, region_name: str, centres: int, every: FeeRange | None, inclusive: FeeRange | None,
         for_families: Sequence[Subsidy]) -> Reply:
    """"托育多少钱": the fees the region's filed centres registered, what families receive, and the next step."""
    if every is None:
        key = "bot.subsidy.fees_unknown" if centres else "bot.subsidy.fees_no_centres"
        lines = [msg(key, region=region_name)(lang)]
    else:
        lines = [msg("bot.subsidy.fees", region=region_name, fees=every.span, count=every.centres)(lang)]
        if inclusive is not None:
            lines.append(msg("bot.subsidy.fees_inclusive", fees=inclusive.span, count=inclusive.centres)(lang))
    lines.extend(subsidy_line(lang, s) for s in for_families)
    lines.append(msg("bot.subsidy.fees_nearest")(lang))
    return Reply("\n".join(lines))


# -- subscriptions ----------------------------------------------------------------------------------------
def subscribe_in_bot(lang: str, bot_username: str | None, wechat: bool = False) -> Reply:
    link = f"https://t.me/{bot_username}?start=subscribe" if bot_username else ""
    if wechat:
        text = msg("bot.subscribe.wechat_or_telegram" if link else "bot.subscribe.wechat_only")(lang)
    else:  # a console or web chat with neither channel set up here: where and how to subscribe
        text = msg("bot.subscribe.telegram_only" if link else "bot.subscribe.no_channel")(lang)
    buttons = ((Button(msg("bot.subscribe.open_bot")(lang), url=link),),) if link else ()
    return Reply(text, buttons=buttons)


def consent(lang: str, web_url: str, birth: str | None = None) -> Reply:
    privacy = f"{web_url}/privacy" if web_url else "/privacy"
    noted = msg("bot.subscribe.noted_date", birth=birth)(lang) if birth else ""
    return Reply(noted + msg("bot.subscribe.consent", privacy=privacy)(lang),
                 buttons=((Button(msg("bot.subscribe.agree")(lang), data=data.encode(data.Consent(True))),
                           Button(msg("bot.subscribe.disagree")(lang), data=data.encode(data.Consent(False)))),))


def subscribe_declined(lang: str) -> Reply:
    return Reply(msg("bot.subscribe.declined")(lang))


def subscription_date_problem(lang: str, birth: date, today: date) -> Reply | None:
    if birth > today + timedelta(days=MAX_DUE_DAYS_AHEAD):
        return Reply(msg("bot.subscribe.due_too_far")(lang))
    if birth < today - timedelta(days=MAX_CHILD_AGE_DAYS):
        return Reply(msg("bot.subscribe.over_three")(lang))
    return None


def subscribed(lang: str, birth: date, today: date, *, changed: bool = False, ask_region: bool = False) -> Reply:
    when = msg("bot.subscribe.due_date" if birth > today else "bot.subscribe.birth_date", date=birth.isoformat())
    text = msg("bot.subscribe.changed" if changed else "bot.subscribe.subscribed", when=when)(lang)
    return Reply(text + ("\n" + msg("bot.subscribe.ask_region")(lang) if ask_region else ""))


def region_noted(lang: str, region_name: str) -> Reply:
    return Reply(msg("bot.subscribe.region_noted", region=region_name)(lang))


def region_skipped(lang: str) -> Reply:
    return Reply(msg("bot.subscribe.region_skipped")(lang))


def unsubscribed(lang: str, stopped: bool) -> Reply:
    return Reply(msg("bot.subscribe.stopped" if stopped else "bot.subscribe.none")(lang))


def forgotten(lang: str) -> Reply:
    return Reply(msg("bot.subscribe.forgotten")(lang))


def registry_empty(lang: str) -> Reply:
    return Reply(msg("bot.find.registry_empty")(lang))


def over_three(lang: str) -> Reply:
    return Reply(msg("bot.find.over_three", months=MAX_CHILD_AGE_MONTHS)(lang))


def harm_elsewhere(lang: str) -> Reply:
    return Reply(msg("bot.safety.harm_elsewhere")(lang))


def crisis(lang: str) -> Reply:
    return Reply(msg("bot.crisis")(lang))


def you_are_welcome(lang: str) -> Reply:
    return Reply(msg("bot.you_are_welcome")(lang), buttons=menu_buttons(lang))


def loss(lang: str, *, with_miscarriage_leave: bool = False) -> Reply:
    extra = "\n" + msg("bot.miscarriage_leave")(lang) if with_miscarriage_leave else ""
    return Reply(msg("bot.loss")(lang) + extra)


# -- complaints -------------------------------------------------------------------------------------------
def complaint(lang: str, region_name: str | None, about: str | None = None, centre: Centre | None = None) -> Reply:
    """Where to complain; a child's safety first when harm is described, the consumer line first for fees."""
    where = msg("bot.complaint.commission_of", region=region_name) if region_name \
        else msg("bot.complaint.county_commission")
    danger = msg("bot.complaint.danger")(lang)
    fees = msg("bot.complaint.fees")(lang)
    channels = msg("bot.complaint.channels", where=where)(lang)
    evidence = msg("bot.complaint.evidence")(lang)
    order = [fees, channels, danger] if about == "fees" else [danger, channels, fees]
    lines = [_status_sentence(lang, centre)] if centre else []
    return Reply("\n".join([*lines, *order, evidence]))


# -- follow-ups -------------------------------------------------------------------------------------------
def widened(state: State, page: Sequence[Match], lat: float, lon: float, *, offset: int, place: str | None,
            web_url: str) -> tuple[Reply, ...]:
    """The next centres of the same circle once every inclusive one was shown: those that are not inclusive."""
    lang = state.language
    head = msg("bot.find.widened")(lang)
    blocks = [_match_block(lang, offset + i + 1, m, web_url) for i, m in enumerate(page)]
    text = "\n\n".join([head, *(b[0] for b in blocks)])
    rich = "\n\n".join([html.escape(head), *(b[1] for b in blocks)])
    return (Reply(text, html=rich, buttons=tuple((Button(f"{offset + i + 1}. {m.centre.name[:20]}",
                                                         data=data.encode(data.Centre(m.centre.id))),)
                                                 for i, m in enumerate(page))),)


def farther(state: State, page: Sequence[Match], *, offset: int, web_url: str) -> tuple[Reply, ...]:
    """Every centre of the circle was shown: the nearest beyond it, within FAR_M."""
    lang = state.language
    head = msg("bot.find.farther", km=FAR_M // 1000)(lang)
    blocks = [_match_block(lang, offset + i + 1, m, web_url) for i, m in enumerate(page)]
    return (Reply("\n\n".join([head, *(b[0] for b in blocks)]),
                  html="\n\n".join([html.escape(head), *(b[1] for b in blocks)]),
                  buttons=tuple((Button(f"{offset + i + 1}. {m.centre.name[:20]}",
                                        data=data.encode(data.Centre(m.centre.id))),) for i, m in enumerate(page))),)


def near_enough(matches: Sequence[Match]) -> list[Match]:
    """Centres beyond the walk that are still worth naming: within FAR_M, the one rule of every surface."""
    return [m for m in matches if m.distance_m <= FAR_M]


def no_more(lang: str, total: int, *, any_kind_shown: bool) -> Reply:
    return Reply(msg("bot.find.no_more_any_kind" if any_kind_shown else "bot.find.no_more", total=total)(lang))


def centre_cards(state: State, chosen: Sequence[Centre], *, offset: int, more: bool, widened: bool = False) -> Reply:
    """The rest of a list whose search point was a shared location (not kept): centres without walking times."""
    lang = state.language
    head = [msg("bot.find.widened")(lang)] if widened else []
    blocks = head + ["\n".join([f"{offset + i + 1}. {_name(lang, c)}", *(f"   {x}" for x in _centre_lines(lang, c))])
                     for i, c in enumerate(chosen)]
    foot = msg("bot.find.share_again")(lang)
    if more:
        foot += msg("bot.find.more_to_ask")(lang)
    return Reply("\n\n".join([*blocks, foot]),
                 buttons=tuple((Button(f"{offset + i + 1}. {c.name[:20]}", data=data.encode(data.Centre(c.id))),)
                               for i, c in enumerate(chosen)))


def farther_after_point(lang: str) -> Reply:
    return Reply(msg("bot.find.farther_after_point")(lang))


def none_left_after_filter(lang: str) -> Reply:
    return Reply(msg("bot.find.none_left_after_filter")(lang))


def centre_fact(lang: str, centre: Centre, asked: str, child_months: int | None = None) -> Reply:
    """One short answer about one centre; about its ages, whether a child of `child_months` fits."""
    unknown = msg("bot.fact.unknown")(lang)
    if asked == "phone":
        fact = msg("bot.fact.phone", phone=centre.phone)(lang) if centre.phone else unknown
    elif asked == "fee":
        fees = centre.fee_span
        fact = msg("bot.fact.fees", fees=fees)(lang) if fees else unknown
    elif asked == "address":
        fact = msg("bot.fact.address", address=centre.address)(lang)
    elif asked == "vacancies" and centre.vacancies == 0 and centre.capacity:
        fact = (msg("bot.fact.no_vacancies", capacity=centre.capacity)(lang)
                + vacancies_note(lang, centre, china_today()))
    elif asked == "vacancies":
        capacity = f"/{centre.capacity}" if centre.capacity is not None else ""
        fact = (msg("bot.fact.vacancies", free=centre.vacancies, capacity=capacity)(lang)
                + vacancies_note(lang, centre, china_today())) if centre.vacancies is not None else unknown
    elif asked == "hours":
        fact = msg("bot.fact.hours", hours=centre.hours)(lang) if centre.hours else unknown
    elif asked == "ages":
        fact = msg("bot.fact.ages", span=centre.age_span)(lang)
        if centre.min_age_months and centre.min_age_months % 12 == 0:  # "24–36个月" is also said "满2岁起"
            fact += msg("bot.fact.from_age", years=centre.min_age_months // 12)(lang)
        if child_months is not None:
            low, high = (int(x) for x in (centre.age_span.split("–") * 2)[:2])
            key = "age_fits" if low <= child_months <= high else "age_too_young" if child_months < low \
                else "age_too_old"
            fact += msg(f"bot.fact.{key}", months=child_months)(lang)
    elif asked == "modes":
        fact = _modes(lang, centre) if centre.modes else unknown
    elif asked == "inclusive":
        fact = msg("bot.fact.inclusive" if centre.inclusive else "bot.fact.not_inclusive")(lang)
    elif asked == "capacity":
        fact = msg("bot.fact.capacity", capacity=centre.capacity)(lang) if centre.capacity is not None else unknown
    elif asked == "route":
        fact = msg("bot.fact.address", address=centre.address)(lang) + "\n" + _nav_text(lang, centre)
    elif asked == "status":
        meaning = msg(f"bot.fact.status_meaning.{centre.status.value}")(lang)
        return Reply(_status_sentence(lang, centre) + "\n" + meaning)
    else:
        return Reply(_status_sentence(lang, centre))
    sample = msg("bot.fact.sample")(lang) if centre.is_sample else ""
    return Reply(msg("bot.fact.line", name=_name(lang, centre), fact=fact, sample=sample)(lang))


def centre_facts(lang: str, centre: Centre, asked: Sequence[str], child_months: int | None = None) -> Reply:
    """Short answers about one centre, one line for each thing asked ("电话和几点开门"); a centre not open as usual
    says so too (its fee is no use while it is suspended)."""
    says_status = {"status", "filing"} & set(asked)
    said = [*asked, "status"] if centre.status is not Status.active and not says_status else list(asked)
    return Reply("\n".join(centre_fact(lang, centre, a, child_months).text for a in said))


def listed_facts(lang: str, numbered: Sequence[tuple[int, Centre]], asked: str) -> Reply:
    """The same fact of each centre, with its number in the list ("1. …", "3. …")."""
    return Reply("\n".join(f"{n}. {centre_fact(lang, c, asked).text}" for n, c in numbered))


def listed_by_fee(lang: str, numbered: Sequence[tuple[int, Centre]]) -> Reply:
    """The centres with their numbers in the list, in the order given (cheapest first), each with its fee."""
    lines = [f"{n}. {centre_fact(lang, c, 'fee').text}" for n, c in numbered]
    return Reply("\n".join([msg("bot.fact.by_fee")(lang), *lines]))


def _titled(title: str) -> str:
    return title if title.startswith("《") else f"《{title}》"


def _document(title: str) -> Text:
    """A document's title as each language cites it: in 《》 in Chinese, bare in English."""
    return Text(_titled(title), title)


def leave_refused(lang: str) -> Reply:
    return Reply(msg("bot.leave.refused")(lang))


def leave_brief(lang: str, result: LeaveResult, asked: str | None, *, dated: bool = True) -> Reply:
    """One line per figure asked for ("maternity", or several: "maternity,paternity"), with its document:
    "陪产假：25天（《…条例》）"."""
    province = result.request.province
    lines = []
    if (asked is None or "maternity" in asked.split(",")) and result.maternity is not None:
        m = result.maternity
        parts = " + ".join(f"{p.days}" for p in m.parts)
        docs = "、".join(dict.fromkeys(_titled(p.provision.title) for p in m.parts))
        line = msg("bot.leave.maternity", days=m.days, parts=parts, documents=docs)(lang)
        if dated:
            line += msg("bot.leave.dates", start=m.start.isoformat(), end=m.end.isoformat())(lang)
        lines.append(line + ("" if m.verified else msg("bot.leave.partly_unverified")(lang))
                     + ("" if m.complete else msg("bot.leave.national_only")(lang)))
        # Extra leave that needs an application ("第三孩…可再增加产假30天"): said, never added to the days.
        lines += [msg("bot.leave.optional", condition=o.condition)(lang)
                  for o in result.optional if o.condition is not None]
    if (asked is None or "paternity" in asked.split(",")) and result.paternity is not None:
        p = result.paternity
        lines.append(msg("bot.leave.paternity", days=p.days, unit=Text(UNIT_ZH[p.unit], UNIT_EN[p.unit]),
                         document=_document(p.provision.title))(lang)
                     + ("" if p.provision.verified else msg("bot.leave.unverified")(lang)))
    if (asked is None or "parental" in asked.split(",")) and result.parental is not None:
        q = result.parental
        lines.append(msg("bot.leave.parental", days=q.days_per_year, unit=Text(UNIT_ZH[q.unit], UNIT_EN[q.unit]),
                         age=q.until_age_years, document=_document(q.provision.title))(lang)
                     + ("" if q.provision.verified else msg("bot.leave.unverified")(lang)))
    if not lines:
        lines.append(msg("bot.leave.no_figure")(lang))
    return Reply(msg("bot.leave.region", region=Text.of(province))(lang) + "\n".join(lines))


# -- safety -----------------------------------------------------------------------------------------------
def safety_first_line(lang: str, kinds: Sequence[str]) -> Reply:
    """The action and the number, first; every alarm found is covered, harm to a child (110) leading."""
    return Reply("\n".join(msg(f"bot.safety.first.{kind}")(lang) for kind in kinds))


def medicine(lang: str) -> Reply:
    return Reply(msg("bot.safety.no_doses")(lang))


def safety_still(lang: str, kind: str, *, waiting: bool = False, choking: bool = False) -> Reply:
    """The turn after an alarm: the same action and number again, with what to do next (after an emergency, on
    the phone to 120, at the hospital and while waiting, when that is asked; for choking, keep up the first aid)."""
    waiting_key = "bot.safety.choking_waiting" if choking else "bot.safety.emergency_waiting"
    then = msg(waiting_key if waiting else f"bot.safety.still.{kind}")(lang)
    return Reply(msg(f"bot.safety.first.{kind}")(lang) + "\n" + then)


def vomiting(lang: str) -> Reply:
    return Reply(msg("bot.safety.vomiting")(lang))


def scam(lang: str) -> Reply:
    return Reply(msg("bot.safety.scam")(lang))


def data_kept(lang: str) -> Reply:
    return Reply(msg("bot.data_kept")(lang))


def avoid_scams(lang: str) -> Reply:
    return Reply(msg("bot.safety.avoid_scams")(lang))


def crisis_now(lang: str) -> Reply:
    """A parent in danger now after despair (the line busy, on the balcony with the child): 110 or 120 first."""
    return Reply(msg("bot.safety.distress_now")(lang))


def emergency_passed(lang: str) -> Reply:
    return Reply(msg("bot.safety.passed")(lang))


def emergency_in_hands(lang: str) -> Reply:
    return Reply(msg("bot.safety.in_hands")(lang))


def other_places(lang: str) -> Reply:
    return Reply(msg("bot.other_places")(lang), buttons=menu_buttons(lang))


def numbers(lang: str) -> Reply:
    return Reply(msg("bot.numbers")(lang))


def share_links(lang: str, web_url: str) -> Reply:
    return Reply(msg("bot.share_links", web=web_url or "")(lang))


def nothing_to_agree(lang: str) -> Reply:
    return Reply(msg("bot.nothing_to_agree")(lang), buttons=menu_buttons(lang))


# -- asking which was meant -------------------------------------------------------------------------------
def which_intent(lang: str, first: str, second: str) -> Reply:
    a, b = (msg(f"bot.intent.{i}")(lang) for i in (first, second))
    return Reply(msg("bot.which_intent", a=a, b=b)(lang),
                 buttons=((Button(a, data=data.encode(data.Pick(first))),
                           Button(b, data=data.encode(data.Pick(second)))),))


def also_asked(lang: str, intent: str) -> Reply:
    return Reply(msg("bot.also_asked")(lang),
                 buttons=((Button(msg(f"bot.intent.{intent}")(lang), data=data.encode(data.Pick(intent))),),))


# -- complaint cases (bot/flows/cases.py) -------------------------------------------------------------------
def case_offer(lang: str, centre_name: str | None) -> Reply:
    """After the complaint channels: offer to file a case, with consent (the police still come first)."""
    about = msg("bot.case.about", centre=centre_name)(lang) if centre_name else ""
    return Reply(msg("bot.case.offer", about=about)(lang),
                 buttons=((Button(msg("bot.case.file_it")(lang), data="case:yes"),
                           Button(msg("bot.case.no_thanks")(lang), data="case:no")),))


def case_ask_centre(lang: str) -> Reply:
    return Reply(msg("bot.case.ask_centre")(lang))


def case_which_centre(lang: str, name: str, candidates: Sequence[Centre]) -> Reply:
    rows = tuple((Button(c.name[:30], data=f"case:c:{c.id}"[:64]),) for c in candidates
                 if len(f"case:c:{c.id}".encode()) <= data.MAX_BYTES)
    return Reply(msg("bot.case.which_centre", name=name)(lang),
                 buttons=(*rows, (Button(msg("bot.case.use_my_name")(lang), data="case:c:-"),)))


def case_ask_what(lang: str) -> Reply:
    return Reply(msg("bot.case.ask_what")(lang))


def case_ask_contact(lang: str) -> Reply:
    return Reply(msg("bot.case.ask_contact")(lang),
                 buttons=((Button(msg("bot.case.no_contact")(lang), data="case:nocontact"),),))


def case_filed(lang: str, number: str, centre_name: str, harm: bool) -> Reply:
    police = msg("bot.case.police_first")(lang) + "\n" if harm else ""
    return Reply(police + msg("bot.case.filed", number=number, centre=centre_name)(lang))


def case_status(lang: str, number: str, centre_name: str, status: str, rectify_by: str | None,
                outcome: str | None, filed_on: str) -> Reply:
    key = f"bot.case.status.{status}"
    words = msg(key)(lang) if key in catalogue() else status
    lines = [msg("bot.case.status_line", number=number, centre=centre_name, filed_on=filed_on, words=words)(lang)]
    if rectify_by:
        lines.append(msg("bot.case.rectify_by", date=rectify_by)(lang))
    if outcome:
        lines.append(msg("bot.case.outcome", outcome=outcome)(lang))
    return Reply("\n".join(lines))


def case_none(lang: str, number: str | None) -> Reply:
    if number:
        return Reply(msg("bot.case.no_such_case", number=number)(lang))
    return Reply(msg("bot.case.none_here")(lang))


def case_cancelled(lang: str) -> Reply:
    return Reply(msg("bot.case.cancelled")(lang))


# -- registry upkeep: for the dialogue's owner to use in _centre_lines, centre_fact and _status_sentence ------------
def vacancies_note(lang: str, centre: Centre, today: date) -> str:
    """When a centre's free places were updated, and a warning once that is over 30 days ago: "（11-02 更新）"."""
    if centre.vacancies is None:
        return ""
    updated = centre.vacancies_updated_on
    when = msg("bot.centre.vacancies_updated", date=updated.isoformat())(lang) if updated else ""
    stale = "" if centre.vacancies_fresh(today) else msg("bot.centre.vacancies_stale")(lang)
    return when + stale


def standing_note(lang: str, centre: Centre) -> str:
    """What the centre's standing means for a parent (a staff-only workplace nursery is said to be so)."""
    from geodata.centre import status_meaning

    return Text.of(status_meaning(centre))(lang)
