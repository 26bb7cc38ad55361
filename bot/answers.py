"""How the engine words its answers, in simplified Chinese first and English second.

Replies carry plain text for every channel, and Telegram-HTML where links or emphasis help.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from bot import buttons as data
from bot.conversations import State
from bot.replies import Button, Reply
from common import china_today
from content.guidance.model import Article
from content.guidance.render import web_link
from content.leave.calculator import LeaveResult
from content.leave.explain import UNIT_EN, UNIT_ZH, explain
from content.subsidies import Subsidy
from geodata.centre import DEMO_LABELS, KIND_LABELS, MODE_LABELS, STATUS_LABELS, Centre, Mode, Status
from geodata.gazetteer import Place
from geodata.index import Match
from geodata.maplinks import map_links
from geodata.names import NameMatch
from geodata.policy import FAR_M, MAX_CHILD_AGE_DAYS, MAX_DUE_DAYS_AHEAD
from messaging.telegram_format import render_telegram

SAMPLE_ZH, SAMPLE_EN = "【示例数据】", "[SAMPLE] "


def t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _label(lang: str, pair: tuple[str, str]) -> str:
    return pair[1] if lang == "en" else pair[0]


# -- menus and small talk -------------------------------------------------------------------------------
def menu_buttons(lang: str) -> tuple[tuple[Button, ...], ...]:
    return (
        (Button(t(lang, "找附近托育", "Find childcare"), data=data.encode(data.Menu("find_centre"))),
         Button(t(lang, "查机构是否备案", "Is it filed?"), data=data.encode(data.Menu("check_centre")))),
        (Button(t(lang, "产假/陪产假/育儿假", "Leave"), data=data.encode(data.Menu("leave"))),
         Button(t(lang, "育儿指导", "Guidance"), data=data.encode(data.Menu("guidance")))),
        (Button(t(lang, "补贴与收费", "Subsidies"), data=data.encode(data.Menu("subsidy"))),
         Button(t(lang, "订阅月龄提醒", "Subscribe"), data=data.encode(data.Menu("subscribe")))),
        (Button(t(lang, "投诉举报", "Complain"), data=data.encode(data.Menu("complaint"))),
         Button("English" if lang == "zh" else "中文", data=data.encode(data.Language("en" if lang == "zh" else "zh")))),
    )


def welcome(lang: str, title: str | None) -> Reply:
    intro = t(lang,
              "您好！这里是托育圈，帮您：\n· 找到步行15分钟内已备案的普惠托育机构\n· 查询一家机构是否备案\n"
              "· 了解产假、陪产假和育儿假\n· 按孩子月龄获取科学育儿指导\n直接打字提问，或点下面的按钮。",
              "Hello! carecircle helps you:\n· find filed, inclusive childcare within a 15-minute walk\n"
              "· check whether a centre is filed\n· learn your maternity, paternity and parental leave\n"
              "· get guidance for your child's age\nType a question, or tap a button.")
    if title:
        intro = t(lang, f"欢迎来自“{title}”的朋友！\n", f"Welcome, friends of “{title}”!\n") + intro
    return Reply(intro + "\n\n" + t(lang, "紧急情况请拨打 120。", "In an emergency call 120."),
                 buttons=menu_buttons(lang))


def not_understood(lang: str) -> Reply:
    return Reply(t(lang, "抱歉，我没太明白。您可以问：“附近有普惠托育吗”“产假多少天”“宝宝发烧怎么办”，或点下面的按钮。",
                   "Sorry, I didn't quite get that. Try “childcare near me”, “maternity leave” or “baby has a "
                   "fever”, or tap a button."), buttons=menu_buttons(lang))


def language_switched(lang: str) -> Reply:
    return Reply(t(lang, "已切换为中文。", "Switched to English."), buttons=menu_buttons(lang))


# -- finding centres -------------------------------------------------------------------------------------
def ask_location(lang: str) -> Reply:
    return Reply(t(lang, "请发送您的位置（点下方“发送位置”），或告诉我您所在的小区、社区或街道名称。",
                   "Please share your location (tap “Send location”), or tell me your neighbourhood or street."),
                 request_location=True)


def place_not_found(lang: str, text: str) -> Reply:
    return Reply(t(lang, f"没有找到“{text}”这个地方。请换个说法（如小区或社区全称），或直接发送位置。",
                   f"I couldn't find “{text}”. Try the full name of your community, or share your location."),
                 request_location=True)


def which_place(lang: str, name: str, places: Sequence[Place], region_name: Callable[[str], str]) -> Reply:
    return Reply(t(lang, f"有几个地方都叫“{name}”，您指的是哪一个？", f"Several places are called “{name}”. Which one?"),
                 buttons=tuple((Button(f"{p.name}（{region_name(p.county_code)}）"[:40],
                                       data=data.encode(data.At(p.lat, p.lon))),) for p in places[:6]),
                 request_location=True)


def bad_location(lang: str) -> Reply:
    return Reply(t(lang, "这个位置的坐标无效，请重新发送位置。", "That location is not valid; please send it again."),
                 request_location=True)


def _centre_lines(lang: str, centre: Centre) -> list[str]:
    kind = _label(lang, KIND_LABELS[centre.kind])
    tags = [kind, t(lang, "普惠", "inclusive") if centre.inclusive else t(lang, "非普惠", "not inclusive")]
    if centre.demo_level:
        tags.append(_label(lang, DEMO_LABELS[centre.demo_level]))
    lines = [" · ".join(tags)]
    details = []
    if centre.modes:
        details.append("/".join(_label(lang, MODE_LABELS[m]) for m in centre.modes))
    details.append(t(lang, f"收{centre.age_span}个月", f"ages {centre.age_span} months"))
    if centre.vacancies is not None:
        cap = f"/{centre.capacity}" if centre.capacity is not None else ""
        details.append(t(lang, f"空余托位 {centre.vacancies}{cap}", f"{centre.vacancies}{cap} places free")
                       + vacancies_note(lang, centre, china_today()))
    lines.append(" · ".join(details))
    fees = centre.fee_span
    if fees:
        lines.append(t(lang, f"收费约 {fees} 元/月（以机构为准）", f"fees about ¥{fees}/month (ask the centre)"))
    if centre.phone:
        lines.append(t(lang, f"电话 {centre.phone}", f"Phone {centre.phone}"))
    lines.append(t(lang, f"地址 {centre.address}", f"Address {centre.address}"))
    return lines


def _name(lang: str, centre: Centre) -> str:
    return (t(lang, SAMPLE_ZH, SAMPLE_EN) if centre.is_sample else "") + centre.name


def _walk(lang: str, match: Match) -> str:
    if match.walk_minutes > 60:  # too far to walk: say how far, not how many minutes
        return t(lang, f"直线距离约 {match.distance_m / 1000:.1f} 公里", f"{match.distance_m / 1000:.1f} km away")
    minutes = max(1, round(match.walk_minutes))
    how = t(lang, "沿街道测算", "along streets") if match.along_streets else t(lang, "估算", "estimate")
    return t(lang, f"约{minutes}分钟步行（{how}），直线 {match.distance_m:.0f} 米",
             f"about {minutes} min on foot ({how}), {match.distance_m:.0f} m in a straight line")


def _nav_html(lang: str, centre: Centre) -> str:
    links = [f'<a href="{html.escape(m.url)}">{html.escape(m.label_en if lang == "en" else m.label_zh)}</a>'
             for m in map_links(centre.lat, centre.lon, centre.name)]
    return t(lang, "导航：", "Directions: ") + " | ".join(links)


def _nav_text(lang: str, centre: Centre) -> str:
    amap = map_links(centre.lat, centre.lon, centre.name)[0]
    return t(lang, f"高德导航 {amap.url}", f"Amap {amap.url}")


def _match_block(lang: str, index: int, match: Match, web_url: str) -> tuple[str, str]:
    c = match.centre
    lines = _centre_lines(lang, c)
    text = "\n".join([f"{index}. {_name(lang, c)}", f"   {_walk(lang, match)}", *(f"   {x}" for x in lines),
                      f"   {_nav_text(lang, c)}"])
    page = f' · <a href="{html.escape(web_url)}/centres/{html.escape(c.id)}">{t(lang, "详情", "details")}</a>' \
        if web_url else ""
    rich = "\n".join([f"<b>{index}. {html.escape(_name(lang, c))}</b>", html.escape(_walk(lang, match)),
                      *(html.escape(x) for x in lines), _nav_html(lang, c) + page])
    return text, rich


def centres(state: State, page: Sequence[Match], lat: float, lon: float, *, offset: int, more: bool, total: int,
            place: str | None, web_url: str) -> tuple[Reply, ...]:
    lang = state.language
    scope = filters_text(state)
    where = _searched_from(lang, place)
    head = t(lang, f"{where}步行15分钟内共有 {total} 家{scope}已备案托育机构，由近到远：",
             f"{where}{total} filed {scope}centre(s) within a 15-minute walk, nearest first:")
    blocks = [_match_block(lang, offset + i + 1, m, web_url) for i, m in enumerate(page)]
    sample = any(m.centre.is_sample for m in page)
    foot = t(lang, "步行时间为估算，请以实际路线为准。", "Walking times are estimates.")
    if sample:
        foot += t(lang, "\n注意：以上为演示用的示例数据，并非真实机构。", "\nNote: this is sample data for the demo, "
                  "not real centres.")
    rows: list[tuple[Button, ...]] = []
    if more:
        rows.append((Button(t(lang, "更多", "More"), data=data.encode(data.More(lat, lon, offset + len(page),
                                                                          state.inclusive_only))),))
    if state.inclusive_only:
        rows.append((Button(t(lang, "包括非普惠机构", "Include non-inclusive"),
                            data=data.encode(data.More(lat, lon, 0, False))),))
    rows.extend((Button(f"{offset + i + 1}. {m.centre.name[:20]}", data=data.encode(data.Centre(m.centre.id))),)
                for i, m in enumerate(page) if len(f"centre:{m.centre.id}".encode()) <= data.MAX_BYTES)
    text = "\n\n".join([head, *(b[0] for b in blocks), foot])
    rich = "\n\n".join([html.escape(head), *(b[1] for b in blocks), html.escape(foot)])
    return (Reply(text, buttons=tuple(rows), html=rich),)


def filters_text(state: State) -> str:
    """The filters in force, in words: "收10个月宝宝、全日托、有空位的普惠" """
    lang, parts = state.language, []
    if state.age_months is not None:
        parts.append(t(lang, f"收{state.age_months}个月宝宝", f"taking {state.age_months}-month-olds"))
    if state.mode:
        parts.append(_label(lang, MODE_LABELS[Mode(state.mode)]))
    if state.vacancies_only:
        parts.append(t(lang, "有空位", "with free places"))
    if state.inclusive_only:
        parts.append(t(lang, "普惠", "inclusive"))
    return t(lang, "、".join(parts) + ("的" if parts else ""), ", ".join(parts) + (" " if parts else ""))


def _searched_from(lang: str, place: str | None) -> str:
    """Every answer names the point it searched from, so a wrong guess shows at once."""
    return t(lang, f"按“{place}”的位置查找（如不对，请发送定位）。\n", f"Searching around “{place}” "
             "(share your location if that's wrong).\n") if place else ""


def none_within(state: State, beyond: Sequence[Match], lat: float, lon: float, *, place: str | None,
                web_url: str) -> tuple[Reply, ...]:
    lang = state.language
    scope = filters_text(state)
    near = near_enough(beyond)
    widen: tuple[tuple[Button, ...], ...] = ()
    if state.inclusive_only:
        widen = ((Button(t(lang, "包括非普惠机构", "Include non-inclusive"),
                         data=data.encode(data.More(lat, lon, 0, False))),),)
    if not near:
        return (Reply(_searched_from(lang, place) + t(lang, f"这个地区附近（{FAR_M // 1000}公里内）暂未收录{scope}已备案托育机构。可以咨询当地卫生健康委员会，"
                              "或拨打 12345 了解。",
                        f"We have no filed {scope}centre recorded within {FAR_M // 1000} km of here yet. Ask the "
                        "local health commission, or call 12345."), buttons=widen),)
    beyond = near
    where = _searched_from(lang, place)
    head = t(lang, f"{where}步行15分钟内没有{scope}已备案托育机构。离您最近的是：",
             f"{where}No filed {scope}centre within a 15-minute walk. The nearest beyond it:")
    blocks = [_match_block(lang, i + 1, m, web_url) for i, m in enumerate(beyond)]
    text = "\n\n".join([head, *(b[0] for b in blocks)])
    rich = "\n\n".join([html.escape(head), *(b[1] for b in blocks)])
    return (Reply(text, buttons=widen, html=rich),)


# -- checking a centre -----------------------------------------------------------------------------------
def ask_centre_name(lang: str) -> Reply:
    return Reply(t(lang, "请告诉我机构的名称（记得几个字也可以），我帮您查它是否已备案。",
                   "Tell me the centre's name (part of it is fine) and I'll check whether it is filed."))


def centre_unknown(lang: str) -> Reply:
    return Reply(t(lang, "没有找到这家机构。", "I couldn't find that centre."))


def _status_sentence(lang: str, centre: Centre) -> str:
    status = _label(lang, STATUS_LABELS[centre.status])
    filed = f"，备案日期 {centre.filed_on.isoformat()}" if centre.filed_on and lang != "en" else \
        (f", filed on {centre.filed_on.isoformat()}" if centre.filed_on else "")
    return t(lang, f"{_name(lang, centre)}：{status}（备案编号 {centre.id}{filed}）",
             f"{_name(lang, centre)}: {status} (filing no. {centre.id}{filed})")


HOW_TO_VERIFY_ZH = ("没有在备案名录中找到这家机构。依照规定，托育机构须向所在县级卫生健康部门备案后才能开展服务。"
                    "您可以请机构出示备案回执，也可向当地卫生健康委员会核实；发现未备案仍在收托的，可拨打 12345 "
                    "政务服务便民热线反映。")
HOW_TO_VERIFY_EN = ("This centre is not in the filing register. A childcare centre must file with the county health "
                    "commission before it may operate. Ask the centre for its filing receipt (备案回执), check with "
                    "the local health commission, and report an unfiled centre on the 12345 hotline.")


def check_result(lang: str, name: str, found: Sequence[NameMatch]) -> tuple[Reply, ...]:
    strong = [m for m in found if m.score >= 85]
    if strong:
        best = strong[0].centre
        lines = [_status_sentence(lang, best)]
        if best.status is not Status.active:
            lines.append(t(lang, "这家机构目前不在正常运营状态，请勿送托；如仍在收托，可拨打 12345 反映。",
                           "It is not operating now; if it still takes children, report it on 12345."))
        others = [m.centre for m in strong[1:]]
        if others:
            lines.append(t(lang, "名称相近的还有：", "Similar names:") + "、".join(_name(lang, c) for c in others))
        buttons = tuple((Button(c.name[:30], data=data.encode(data.Centre(c.id))),) for c in [best, *others][:4])
        return (Reply("\n".join(lines), buttons=buttons),)
    if found:
        listed = "；".join(f"{_name(lang, m.centre)}（{_label(lang, STATUS_LABELS[m.centre.status])}）"
                          for m in found[:4])
        return (Reply(t(lang, f"没有完全匹配“{name}”的机构，您是不是要找：{listed}", f"No exact match for “{name}”. "
                        f"Did you mean: {listed}"),
                      buttons=tuple((Button(m.centre.name[:30], data=data.encode(data.Centre(m.centre.id))),)
                                    for m in found[:4])),
                Reply(t(lang, "如果都不是：" + HOW_TO_VERIFY_ZH, "If none of these: " + HOW_TO_VERIFY_EN)))
    return (Reply(t(lang, HOW_TO_VERIFY_ZH, HOW_TO_VERIFY_EN)),)


def centre_detail(lang: str, centre: Centre, web_url: str) -> Reply:
    lines = [_status_sentence(lang, centre), *_centre_lines(lang, centre)]
    if centre.hours:
        lines.append(t(lang, f"开放时间 {centre.hours}", f"Hours {centre.hours}"))
    text = "\n".join([*lines, _nav_text(lang, centre)])
    page = f'\n<a href="{html.escape(web_url)}/centres/{html.escape(centre.id)}">{t(lang, "机构详情页", "Centre page")}' \
        "</a>" if web_url else ""
    rich = "\n".join([f"<b>{html.escape(lines[0])}</b>", *(html.escape(x) for x in lines[1:]),
                      _nav_html(lang, centre)]) + page
    return Reply(text, html=rich)


# -- leave ------------------------------------------------------------------------------------------------
def ask_province(lang: str) -> Reply:
    return Reply(t(lang, "产假按您工作并参加社保的省份计算。请问您在哪个省份工作？（直接输入，如“内蒙古”）",
                   "Leave follows the province where you work and are insured. Which province is that?"),
                 buttons=((Button("内蒙古", data=data.encode(data.Province("150000"))),
                           Button("山西", data=data.encode(data.Province("140000"))),
                           Button("四川", data=data.encode(data.Province("510000")))),))


def ask_birth_date(lang: str, *, for_leave: bool) -> Reply:
    if for_leave:
        return Reply(t(lang, "宝宝的出生日期（或预产期）是哪天？例如 2025-03-01。",
                       "When was (or is) the baby born? For example 2025-03-01."))
    return Reply(t(lang, "请告诉我宝宝的出生日期，还没出生的话告诉我预产期，例如 2025-03-01。",
                   "Tell me your baby's birth date, or the due date, for example 2025-03-01."))


def bad_date(lang: str) -> Reply:
    return Reply(t(lang, "这个日期不存在，请再检查一下，例如 2025-03-01。", "That date does not exist; please check it, "
                   "for example 2025-03-01."))


def leave(lang: str, result: LeaveResult, *, caesarean: bool = False) -> tuple[Reply, ...]:
    text = explain(result)
    replies = [Reply(text.en if lang == "en" else text.zh)]
    if caesarean:
        replies.append(Reply(t(lang, "提示：剖宫产不一定算作难产，各地认定不同；请向单位人事或当地人社部门确认。"
                                     "如认定为难产，国家规定增加15天产假。",
                               "Note: a caesarean is not automatically a difficult birth (难产); it depends on "
                               "the province. Ask your employer or the local social-security office. A difficult "
                               "birth adds 15 days under the national rules.")))
    return tuple(replies)


# -- guidance ---------------------------------------------------------------------------------------------
def article(lang: str, item: Article, web_url: str) -> list[Reply]:
    link = f"{web_url}{web_link(item.slug, item.locale)}" if web_url else ""
    chunks = render_telegram(item)
    head = f"{item.title}\n{item.summary}" + (f"\n{t(lang, '全文', 'Read more')}: {link}" if link else "")
    replies = [Reply(head, html=chunks[0] if chunks else None)]
    replies.extend(Reply(_strip_tags(chunk), html=chunk) for chunk in chunks[1:])
    return replies


def _strip_tags(fragment: str) -> str:
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def more_articles(lang: str, items: Sequence[Article]) -> Reply:
    return Reply(t(lang, "相关文章：", "Related: ") + "；".join(a.title for a in items),
                 buttons=tuple((Button(a.title[:40], data=data.encode(data.Guide(a.slug))),) for a in items))


def articles_for_age(lang: str, age_months: int, items: Sequence[Article]) -> Reply:
    if not items:
        return Reply(t(lang, "暂时没有这个月龄的文章。", "No articles for that age yet."))
    return Reply(t(lang, f"适合 {age_months} 个月宝宝的育儿指导：", f"Guidance for a {age_months}-month-old: ")
                 + "；".join(a.title for a in items),
                 buttons=tuple((Button(a.title[:40], data=data.encode(data.Guide(a.slug))),) for a in items))


def ask_age_or_topic(lang: str) -> Reply:
    return Reply(t(lang, "宝宝多大了？或者告诉我您关心的问题，比如“辅食”“睡觉”“发烧”“打疫苗”。",
                   "How old is your baby? Or tell me what you'd like to know: feeding, sleep, fever, vaccines."))


# -- subsidies --------------------------------------------------------------------------------------------
def ask_region(lang: str) -> Reply:
    return Reply(t(lang, "请问您在哪个旗县（区）？例如“伊金霍洛旗”“盐湖区”。",
                   "Which county or district are you in? For example 伊金霍洛旗 or 盐湖区."))


def subsidies(lang: str, region_name: str, items: Sequence[Subsidy]) -> Reply:
    local = [s for s in items if s.region != "000000"]
    lines = [t(lang, f"{region_name}的托育补贴和收费政策：", f"Childcare subsidies and fees for {region_name}:")]
    if not local:
        lines.append(t(lang, "我们还没有收录这个地区的补贴政策，具体以当地卫生健康委员会公布为准，可拨打 12345 咨询。",
                       "We have no local subsidy rules for this area yet; ask the local health commission or 12345."))
    for s in items:
        mark = "" if s.verified else t(lang, "（未核实）", " (unverified)")
        source = f"{s.source.title}（{s.source.number}）"
        lines.append(f"· {s.text(lang)}{mark}\n  {t(lang, '来源', 'Source')}: {source}")
    lines.append(t(lang, "以当地最新公布的政策为准。", "The latest local rules prevail."))
    return Reply("\n".join(lines))


# -- subscriptions ----------------------------------------------------------------------------------------
def subscribe_in_bot(lang: str, bot_username: str | None, wechat: bool = False) -> Reply:
    link = f"https://t.me/{bot_username}?start=subscribe" if bot_username else ""
    if wechat:
        text = t(lang, "按月龄推送的育儿提醒通过微信公众号发送：关注公众号后发送“订阅”即可"
                       + ("，也可以在 Telegram 机器人里订阅。" if link else "。"),
                 "Age-timed messages come through our WeChat Official Account: follow it and send “subscribe”"
                 + (", or subscribe in our Telegram bot." if link else "."))
    else:
        text = t(lang, "按月龄推送的育儿提醒需要在 Telegram 机器人里订阅。", "Age-timed messages are sent through our "
                 "Telegram bot; subscribe there.")
    buttons = ((Button(t(lang, "打开机器人", "Open the bot"), url=link),),) if link else ()
    return Reply(text, buttons=buttons)


def consent(lang: str, web_url: str, birth: str | None = None) -> Reply:
    privacy = f"{web_url}/privacy" if web_url else "/privacy"
    noted = t(lang, f"宝宝的日期：{birth}。", f"The baby's date: {birth}. ") if birth else ""
    return Reply(
        noted + t(lang, "订阅后，我们会按宝宝的月龄定期给您发送育儿指导（夜间不发送）。\n"
                "为此我们只保存：您的聊天编号、宝宝的出生日期或预产期、所在旗县和语言，用于按时发送，不保存您的位置。"
                f"随时发送 /stop 停止，发送 /forget 删除全部信息。隐私说明：{privacy}\n您同意吗？",
          "We will send you guidance timed to your baby's age (never at night). To do so we keep "
          "only your chat id, the birth or due date, your county and language; never your location. Send /stop "
          f"to stop and /forget to delete everything. Privacy notice: {privacy}\nDo you agree?"),
        buttons=((Button(t(lang, "同意", "I agree"), data=data.encode(data.Consent(True))), Button(t(lang, "不同意", "No"), data=data.encode(data.Consent(False)))),))


def subscribe_declined(lang: str) -> Reply:
    return Reply(t(lang, "好的，不订阅也能随时来问我。", "No problem. You can still ask me anything, any time."))


def subscription_date_problem(lang: str, birth: date, today: date) -> Reply | None:
    if birth > today + timedelta(days=MAX_DUE_DAYS_AHEAD):
        return Reply(t(lang, "预产期最多只能是10个月以后，请再检查一下日期。", "A due date can be at most 10 months "
                       "ahead; please check it."))
    if birth < today - timedelta(days=MAX_CHILD_AGE_DAYS):
        return Reply(t(lang, "我们的推送覆盖0–3岁，这个日期的宝宝已超过3岁。", "Our messages cover ages 0–3; this "
                       "child is already over three."))
    return None


def ask_subscribe_region(lang: str, birth: date) -> Reply:
    return Reply(t(lang, f"好的，宝宝的日期记为 {birth.isoformat()}。最后一步：您在哪个旗县（区）？用于接收当地的通知，"
                         "例如“伊金霍洛旗”。不想说也可以跳过。",
                   f"Noted: the baby's date is {birth.isoformat()}. Last step: which county are you in? It lets local "
                   "notices reach you. You may skip this."),
                 buttons=((Button(t(lang, "跳过", "Skip"), data=data.encode(data.SkipRegion())),),))


def subscribed(lang: str, birth: date, today: date, *, changed: bool = False) -> Reply:
    due = birth > today
    when = t(lang, f"预产期 {birth.isoformat()}" if due else f"出生日期 {birth.isoformat()}",
             f"due date {birth.isoformat()}" if due else f"birth date {birth.isoformat()}")
    if changed:
        return Reply(t(lang, f"已把日期改为{when}，之后的推送按新的月龄发送。/stop 停止，/forget 删除全部信息。",
                       f"Changed to {when}; messages now follow the new age. /stop to stop, /forget to delete "
                       "everything."))
    return Reply(t(lang, f"订阅成功（{when}）。我们会按月龄给您发送育儿指导；发送新的日期可随时修改，"
                         "/stop 停止，/forget 删除全部信息。",
                   f"Subscribed ({when}). You will get guidance for your baby's age; send a new date to change it, "
                   "/stop to stop, /forget to delete everything."))


def unsubscribed(lang: str, stopped: bool) -> Reply:
    if stopped:
        return Reply(t(lang, "已停止推送，之后不会再给您发消息。需要时可以随时重新订阅。", "Stopped. We won't send you "
                       "messages any more; you can subscribe again any time."))
    return Reply(t(lang, "您目前没有订阅推送，不会收到我们的消息。", "You have no subscription, so we send you nothing."))


def forgotten(lang: str) -> Reply:
    return Reply(t(lang, "已删除我们保存的关于您的全部信息（订阅、日期、对话记录）。", "Everything we kept about you "
                   "(subscription, dates, conversation) has been deleted."))


def crisis(lang: str) -> Reply:
    return Reply(t(lang,
                   "听到你这么说，我们很担心你。带孩子真的很辛苦，有这样的感受不是你的错，也可以得到帮助。\n"
                   "请现在就告诉身边的家人或朋友，别一个人扛着；可以拨打全国心理援助热线 12356 和专业人员聊聊，"
                   "也请尽快去医院看医生（产后情绪问题是可以治疗的）。\n"
                   "如果你有伤害自己或孩子的念头，或者已经有危险，请立即拨打 120 或 110。",
                   "We are worried about you. Caring for a baby is hard; feeling like this is not your fault, and help "
                   "is there.\nPlease tell someone close to you now, and don't carry this alone. Call the national "
                   "mental-health line 12356 to talk to someone, and see a doctor soon (postpartum mood problems can be "
                   "treated).\nIf you might hurt yourself or your child, or are in danger, call 120 or 110 now."))


def you_are_welcome(lang: str) -> Reply:
    return Reply(t(lang, "不客气！还有什么需要，随时问我。", "You're welcome! Ask me anything, any time."),
                 buttons=menu_buttons(lang))


def loss(lang: str, *, with_miscarriage_leave: bool = False) -> Reply:
    if with_miscarriage_leave:
        extra = t(lang, "\n关于假期：按国家规定（《女职工劳动保护特别规定》第七条），怀孕不满4个月流产的，享受15天产假；"
                        "怀孕满4个月流产的，享受42天产假。各地可能另有规定，以当地人社部门口径为准。",
                  "\nOn leave: under the national rules (Special Provisions on Labour Protection of Female Employees, "
                  "art. 7), a miscarriage before 4 months of pregnancy gives 15 days of maternity leave, and one at 4 "
                  "months or later gives 42 days. Provinces may add more; the local social-security office decides.")
    else:
        extra = ""
    return Reply(t(lang,
                   "听到这个消息，我们非常难过，请接受我们的慰问。我们已停止给您发送育儿推送，以后也不会再发。\n"
                   "这段时间请多照顾好自己，也可以和家人、朋友或医生聊一聊。需要心理支持时，可拨打全国心理援助热线 12356；"
                   "如身体不适，请及时就医，紧急情况拨打 120。",
                   "We are so sorry for your loss. We have stopped all guidance messages and will not send them again.\n"
                   "Please take care of yourself, and talk to family, friends or your doctor. For emotional support you "
                   "can call the national mental-health line 12356; if you feel unwell, see a doctor, and in an "
                   "emergency call 120.") + extra)


# -- complaints -------------------------------------------------------------------------------------------
def complaint(lang: str, region_name: str | None, about: str | None = None, centre: Centre | None = None) -> Reply:
    """Where to complain; a child's safety first when harm is described, the consumer line first for fees."""
    where = t(lang, f"{region_name}卫生健康委员会", f"the health commission of {region_name}") if region_name \
        else t(lang, "当地县级卫生健康委员会", "your county health commission")
    danger = t(lang, "如果孩子正处于危险中（如被打、被虐待），请立即拨打 110 报警；受伤请拨打 120，并带孩子就医、保留诊断证明。",
               "If a child is in danger (hit or abused), call the police on 110 now; if hurt, call 120, take the child "
               "to a doctor and keep the medical record.")
    fees = t(lang, "收费、退费、合同纠纷：拨打 12315 市场监管投诉热线，保留好合同、收据和转账记录。",
             "Fees, refunds and contracts: call the 12315 consumer hotline; keep the contract, receipts and transfers.")
    channels = t(lang, f"对托育机构的投诉举报：拨打 12345 政务服务便民热线，或向{where}反映（托育机构在这里备案）。",
                 f"To complain about a childcare centre: call the 12345 government hotline, or contact {where} "
                 "(centres file with it).")
    evidence = t(lang, "反映时请说明机构名称、时间和经过，保留照片、聊天记录等证据。",
                 "Give the centre's name, when and what happened, and keep photos and messages as evidence.")
    order = [fees, channels, danger] if about == "fees" else [danger, channels, fees]
    lines = [_status_sentence(lang, centre)] if centre else []
    return Reply("\n".join([*lines, *order, evidence]))


# -- follow-ups -------------------------------------------------------------------------------------------
WIDENED = ("普惠机构已全部列出。步行15分钟内还有这些非普惠机构：",
           "That was every inclusive centre. Within the same 15-minute walk there are also these, not inclusive:")


def widened(state: State, page: Sequence[Match], lat: float, lon: float, *, offset: int, place: str | None,
            web_url: str) -> tuple[Reply, ...]:
    """The next centres of the same circle once every inclusive one was shown: those that are not inclusive."""
    lang = state.language
    head = WIDENED[lang == "en"]
    blocks = [_match_block(lang, offset + i + 1, m, web_url) for i, m in enumerate(page)]
    text = "\n\n".join([head, *(b[0] for b in blocks)])
    rich = "\n\n".join([html.escape(head), *(b[1] for b in blocks)])
    return (Reply(text, html=rich, buttons=tuple((Button(f"{offset + i + 1}. {m.centre.name[:20]}",
                                                         data=data.encode(data.Centre(m.centre.id))),)
                                                 for i, m in enumerate(page))),)


def farther(state: State, page: Sequence[Match], *, offset: int, web_url: str) -> tuple[Reply, ...]:
    """Every centre of the circle was shown: the nearest beyond it, within FAR_M."""
    lang = state.language
    head = t(lang, f"步行15分钟内的机构已全部列出。稍远一些的（{FAR_M // 1000}公里内）还有：",
             f"That was every centre within a 15-minute walk. Farther away (within {FAR_M // 1000} km):")
    blocks = [_match_block(lang, offset + i + 1, m, web_url) for i, m in enumerate(page)]
    return (Reply("\n\n".join([head, *(b[0] for b in blocks)]),
                  html="\n\n".join([html.escape(head), *(b[1] for b in blocks)]),
                  buttons=tuple((Button(f"{offset + i + 1}. {m.centre.name[:20]}",
                                        data=data.encode(data.Centre(m.centre.id))),) for i, m in enumerate(page))),)


def near_enough(matches: Sequence[Match]) -> list[Match]:
    """Centres beyond the walk that are still worth naming: within FAR_M, the one rule of every surface."""
    return [m for m in matches if m.distance_m <= FAR_M]


def no_more(lang: str, total: int, *, any_kind_shown: bool) -> Reply:
    if any_kind_shown:
        return Reply(t(lang, f"上次找到的 {total} 家已经全部列出了，包括非普惠机构。可以换个地点再找。",
                       f"That was all {total} of them, non-inclusive ones included. Try another place."))
    return Reply(t(lang, f"上次找到的 {total} 家已经全部列出了。可以换个地点，或发送“包括非普惠机构”扩大范围。",
                   f"That was all {total} of them. Try another place, or ask to include non-inclusive centres."))


def centre_cards(state: State, chosen: Sequence[Centre], *, offset: int, more: bool, widened: bool = False) -> Reply:
    """The rest of a list whose search point was a shared location (not kept): centres without walking times."""
    lang = state.language
    head = [WIDENED[lang == "en"]] if widened else []
    blocks = head + ["\n".join([f"{offset + i + 1}. {_name(lang, c)}", *(f"   {x}" for x in _centre_lines(lang, c))])
              for i, c in enumerate(chosen)]
    foot = t(lang, "步行时间请重新发送位置查看。", "Share your location again to see walking times.")
    if more:
        foot += t(lang, "还有更多，可以继续问“还有别的吗”。", " There are more: ask “any others?”.")
    return Reply("\n\n".join([*blocks, foot]),
                 buttons=tuple((Button(f"{offset + i + 1}. {c.name[:20]}", data=data.encode(data.Centre(c.id))),)
                               for i, c in enumerate(chosen)))


def none_left_after_filter(lang: str) -> Reply:
    return Reply(t(lang, "刚才找到的机构里没有符合这个条件的。可以重新发送位置，或说个地名再找找。",
                   "None of the centres just found fits that. Send your location again, or name a place, to search anew."))


def centre_fact(lang: str, centre: Centre, asked: str) -> Reply:
    """One short answer about one centre."""
    name = _name(lang, centre)
    unknown = t(lang, "名录里没有登记，请直接问机构", "not in the register; ask the centre")
    if asked == "phone":
        fact = t(lang, f"电话 {centre.phone}", f"phone {centre.phone}") if centre.phone else unknown
    elif asked == "fee":
        fees = centre.fee_span
        fact = t(lang, f"收费约 {fees} 元/月（以机构为准）", f"about ¥{fees} a month (ask the centre)") if fees \
            else unknown
    elif asked == "address":
        fact = t(lang, f"地址 {centre.address}", f"address {centre.address}")
    elif asked == "vacancies":
        fact = (t(lang, f"空余托位 {centre.vacancies}", f"{centre.vacancies} places free")
                + (f"/{centre.capacity}" if centre.capacity is not None else "")
                + vacancies_note(lang, centre, china_today())) if centre.vacancies is not None else unknown
    elif asked == "hours":
        fact = t(lang, f"开放时间 {centre.hours}", f"hours {centre.hours}") if centre.hours else unknown
    elif asked == "ages":
        fact = t(lang, f"收{centre.age_span}个月的孩子", f"takes children aged {centre.age_span} months")
    elif asked == "modes":
        fact = "/".join(_label(lang, MODE_LABELS[m]) for m in centre.modes) if centre.modes else unknown
    elif asked == "inclusive":
        fact = t(lang, "是普惠托育机构", "an inclusive (普惠) centre") if centre.inclusive \
            else t(lang, "不是普惠机构（按市场价收费）", "not an inclusive centre (market fees)")
    elif asked == "capacity":
        fact = t(lang, f"共 {centre.capacity} 个托位", f"{centre.capacity} places in all") \
            if centre.capacity is not None else unknown
    elif asked == "route":
        fact = t(lang, f"地址 {centre.address}\n", f"address {centre.address}\n") + _nav_text(lang, centre)
    else:
        return Reply(_status_sentence(lang, centre))
    sample = t(lang, "（示例数据）", " (sample data)") if centre.is_sample else ""
    return Reply(t(lang, f"{name}：{fact}{sample}", f"{name}: {fact}{sample}"))


def listed_facts(lang: str, chosen: Sequence[Centre], asked: str, *, offset: int) -> Reply:
    return Reply("\n".join(f"{offset + i + 1}. {centre_fact(lang, c, asked).text}" for i, c in enumerate(chosen)))


def _titled(title: str) -> str:
    return title if title.startswith("《") else f"《{title}》"


def leave_brief(lang: str, result: LeaveResult, asked: str | None, *, dated: bool = True) -> Reply:
    """One line per figure asked for, with its document: "陪产假：25天（《…条例》）"."""
    province = result.request.province
    lines = []
    if asked in (None, "maternity") and result.maternity is not None:
        m = result.maternity
        parts = " + ".join(f"{p.days}" for p in m.parts)
        docs = "、".join(dict.fromkeys(_titled(p.provision.title) for p in m.parts))
        line = t(lang, f"产假：{m.days}天（{parts}；{docs}）", f"maternity leave: {m.days} days ({parts}; {docs})")
        if dated:
            line += t(lang, f"，{m.start.isoformat()} 至 {m.end.isoformat()}", f", {m.start} to {m.end}")
        lines.append(line + ("" if m.verified else t(lang, "【部分未核实】", " [partly unverified]")))
    if asked in (None, "paternity") and result.paternity is not None:
        p = result.paternity
        lines.append(t(lang, f"陪产假：{p.days}{UNIT_ZH[p.unit]}（{_titled(p.provision.title)}）",
                       f"paternity leave: {p.days} {UNIT_EN[p.unit]} ({p.provision.title})")
                     + ("" if p.provision.verified else t(lang, "【未核实】", " [unverified]")))
    if asked in (None, "parental") and result.parental is not None:
        q = result.parental
        lines.append(t(lang, f"育儿假：父母每人每年{q.days_per_year}{UNIT_ZH[q.unit]}，到孩子满{q.until_age_years}周岁"
                             f"（{_titled(q.provision.title)}）",
                       f"parental leave: {q.days_per_year} {UNIT_EN[q.unit]} a year for each parent until age "
                       f"{q.until_age_years} ({q.provision.title})")
                     + ("" if q.provision.verified else t(lang, "【未核实】", " [unverified]")))
    if not lines:
        lines.append(t(lang, "这一项在该地区的规定还没有收录，请向单位人事或当地人社部门确认。",
                       "We have no figure for that here yet; ask your employer or the local social-security office."))
    return Reply(f"{province.name_en if lang == 'en' else province.name}：" + "\n".join(lines))


# -- safety -----------------------------------------------------------------------------------------------
SAFETY_FIRST = {
    "harm": ("孩子可能正受到伤害：如有危险，请立即拨打 110 报警；受伤请拨打 120 并带孩子就医、保留诊断证明。",
             "A child may be being harmed: if in danger, call the police on 110 now; if hurt, call 120, see a doctor "
             "and keep the medical record."),
    "emergency": ("这可能是紧急情况：请立即拨打 120，或马上去最近的医院急诊，不要等待观察。",
                  "This may be an emergency: call 120 now, or go straight to the nearest hospital emergency "
                  "department. Don't wait and see."),
    "distress": ("你现在的感受很重要：请拨打心理援助热线 12356 和专业人员聊聊；如有危险，请立即拨打 120 或 110。",
                 "What you feel matters: call the mental-health line 12356 to talk to someone now; if you are in "
                 "danger, call 120 or 110."),
    "medicine": ("用药和剂量请遵医嘱，或咨询医生、药师；如果孩子误服或吃多了药，请立即拨打 120。",
                 "For medicines and doses, follow your doctor's advice or ask a pharmacist; if your child swallowed "
                 "medicine or too much of it, call 120 now."),
    "fraud": ("收费、退费纠纷请拨打 12315 市场监管投诉热线或 12345 政务服务热线；机构卷款跑路的，请拨打 110 报警。",
              "For fees and refunds call the 12315 consumer hotline or the 12345 government hotline; if the centre "
              "ran off with the money, call the police on 110."),
}


def safety_first_line(lang: str, kinds: Sequence[str]) -> Reply:
    """The action and the number, first; every alarm found is covered, harm to a child (110) leading."""
    return Reply("\n".join(t(lang, *SAFETY_FIRST[kind]) for kind in kinds))


def medicine(lang: str) -> Reply:
    return Reply(t(lang, "我们不提供药物剂量。儿童用药剂量要按体重和年龄由医生决定，请不要自行加量、换药或把成人药给孩子吃。"
                         "请带上药盒，咨询医生或药师；孩子高烧不退、精神很差、呼吸困难时，请尽快就医或拨打 120。",
                   "We never give medicine doses. A child's dose depends on weight and age and is for a doctor to "
                   "decide: don't raise it, switch medicines or give adult medicine. Take the box to a doctor or "
                   "pharmacist; if the fever won't come down, the child is very unwell or struggles to breathe, see a "
                   "doctor at once or call 120."))


SAFETY_STILL = {
    "harm": ("报警请拨打 110，说明孩子所在的机构、时间和经过；受伤请拨打 120 或带孩子就医并保留诊断证明。"
             "照片、聊天记录和监控请保存好，并向当地卫生健康委员会或 12345 反映这家机构。",
             "To report it, call the police on 110 and say which centre, when and what happened; if the child is hurt, "
             "call 120 or see a doctor and keep the record. Keep photos, messages and camera footage, and report the "
             "centre to the local health commission or 12345."),
    "emergency": ("如果还没有拨打，请现在就拨打 120，告诉接线员孩子的年龄、症状和您所在的位置。等待时让孩子侧躺，"
                  "不要喂水、喂药或催吐，把误服的东西或药盒带上。即使症状好转，也请尽快带孩子去医院检查。",
                  "If you haven't yet, call 120 now and tell them the child's age, what is happening and where you "
                  "are. While you wait, lay the child on their side; give nothing to eat or drink, no medicine, and "
                  "don't make them vomit; bring what was swallowed or the medicine box. Even if things improve, have "
                  "a doctor check the child soon."),
    "distress": ("我们还在这里。请现在就拨打心理援助热线 12356，或告诉身边的家人；如果你有伤害自己或孩子的念头，"
                 "请立即拨打 120 或 110。你不是一个人，也可以得到帮助。",
                 "We are still here. Please call the mental-health line 12356 now, or tell someone close to you; if "
                 "you might hurt yourself or your child, call 120 or 110 now. You are not alone, and help is there."),
    "medicine": ("用药请咨询医生或药师，我们不提供剂量。孩子精神差、呼吸困难或误服药物时，请立即拨打 120。",
                 "Ask a doctor or pharmacist about medicines: we never give doses. If the child is very unwell, "
                 "struggles to breathe or swallowed medicine, call 120 now."),
    "fraud": ("请保留合同、收据和转账记录，拨打 12315 或 12345 反映；机构负责人卷款失联的，请拨打 110 报警。",
              "Keep the contract, receipts and transfers, and report it on 12315 or 12345; if the owner vanished with "
              "the money, call the police on 110."),
}


def safety_still(lang: str, kind: str) -> Reply:
    """The turn after an alarm: the same action and number again, with what to do next."""
    return Reply(t(lang, *SAFETY_FIRST[kind]) + "\n" + t(lang, *SAFETY_STILL[kind]))


def nothing_to_agree(lang: str) -> Reply:
    return Reply(t(lang, "好的。您想了解什么？可以直接打字提问，或点下面的按钮。",
                   "All right. What would you like to know? Type a question, or tap a button."),
                 buttons=menu_buttons(lang))


# -- asking which was meant -------------------------------------------------------------------------------
INTENT_LABELS = {
    "find_centre": ("找托育机构", "find childcare"), "check_centre": ("查机构是否备案", "check a centre"),
    "leave": ("问产假/陪产假", "ask about leave"), "guidance": ("育儿指导", "parenting guidance"),
    "subsidy": ("问补贴和收费", "ask about subsidies and fees"), "subscribe": ("订阅月龄提醒", "subscribe"),
    "unsubscribe": ("退订消息", "stop messages"), "complaint": ("投诉举报", "make a complaint"),
    "help": ("看看能做什么", "see what I can do"),
}


def which_intent(lang: str, first: str, second: str) -> Reply:
    a, b = (_label(lang, INTENT_LABELS[i]) for i in (first, second))
    return Reply(t(lang, f"您是想{a}，还是{b}？", f"Would you like to {a}, or {b}?"),
                 buttons=((Button(a, data=data.encode(data.Pick(first))),
                           Button(b, data=data.encode(data.Pick(second)))),))


def also_asked(lang: str, intent: str) -> Reply:
    label = _label(lang, INTENT_LABELS[intent])
    return Reply(t(lang, "您还提到了另一件事：需要的话点下面，我接着回答。", "You asked about something else too: tap below "
                   "and I'll answer that next."),
                 buttons=((Button(label, data=data.encode(data.Pick(intent))),),))


# -- complaint cases (bot/flows/cases.py) -------------------------------------------------------------------
CASE_STATUS_WORDS = {
    "received": ("已受理，等待分派", "received"), "in_progress": ("处理中", "being handled"),
    "rectifying": ("已责令机构限期整改", "the centre was ordered to put things right by a deadline"),
    "resolved": ("已办结", "resolved"),
}


def case_offer(lang: str, centre_name: str | None) -> Reply:
    """After the complaint channels: offer to file a case, with consent (the police still come first)."""
    about = t(lang, f"（{centre_name}）", f" ({centre_name})") if centre_name else ""
    return Reply(t(lang, f"需要的话，我可以帮您把这件事{about}登记为投诉案件，转给当地卫生健康部门跟进，并给您一个案件编号，之后随时可以查询进展。"
                         "登记会保存机构名称和事情经过；是否留联系方式由您决定，发送 /forget 可随时删除。"
                         "孩子有危险请先拨打 110，登记投诉不能代替报警。",
                   f"If you like, I can file this{about} as a complaint case for the local health commission to follow "
                   "up, and give you a case number to check its progress. The case keeps the centre's name and what "
                   "happened; leaving a contact is up to you, and /forget deletes it at any time. If a child is in "
                   "danger, call 110 first: a case never replaces the police."),
                 buttons=((Button(t(lang, "同意，登记投诉", "Yes, file a case"), data="case:yes"),
                           Button(t(lang, "不用了", "No, thanks"), data="case:no")),))


def case_ask_centre(lang: str) -> Reply:
    return Reply(t(lang, "是哪家托育机构？请告诉我名称（不在备案名录里的也可以）。",
                   "Which childcare centre? Tell me its name (one that is not in the registry is fine too)."))


def case_which_centre(lang: str, name: str, candidates: Sequence[Centre]) -> Reply:
    rows = tuple((Button(c.name[:30], data=f"case:c:{c.id}"[:64]),) for c in candidates
                 if len(f"case:c:{c.id}".encode()) <= data.MAX_BYTES)
    return Reply(t(lang, f"您说的“{name}”是下面哪一家？如果都不是，点“按我说的名称登记”。",
                   f"Which of these is “{name}”? If none, tap “Use the name I gave”."),
                 buttons=(*rows, (Button(t(lang, "按我说的名称登记", "Use the name I gave"), data="case:c:-"),)))


def case_ask_what(lang: str) -> Reply:
    return Reply(t(lang, "请简单说说发生了什么：时间和经过。请不要写孩子的全名或身份证号。",
                   "Briefly, what happened, and when? Please leave out the child's full name and ID number."))


def case_ask_contact(lang: str) -> Reply:
    return Reply(t(lang, "需要工作人员联系您吗？可以留下电话或微信号（只用于这件事）；不需要就点“不留联系方式”。",
                   "Would you like staff to contact you? Leave a phone number or WeChat id (used only for this case), "
                   "or tap “No contact”."),
                 buttons=((Button(t(lang, "不留联系方式", "No contact"), data="case:nocontact"),),))


def case_filed(lang: str, number: str, centre_name: str, harm: bool) -> Reply:
    police = t(lang, "孩子有危险请立即拨打 110；受伤拨打 120。\n", "If a child is in danger, call 110 now; if hurt, 120.\n") \
        if harm else ""
    return Reply(police + t(lang, f"已登记投诉案件，编号 {number}（{centre_name}）。当地卫生健康部门会跟进。"
                                  f"随时发送“查询 {number}”或“我的投诉”查看进展。",
                            f"Your complaint about {centre_name} is filed as case {number}. The local health commission "
                            f"will follow it up. Send “case {number}” or “my complaint” at any time to see its progress."))


def case_status(lang: str, number: str, centre_name: str, status: str, rectify_by: str | None,
                outcome: str | None, filed_on: str) -> Reply:
    words = _label(lang, CASE_STATUS_WORDS.get(status, (status, status)))
    lines = [t(lang, f"投诉案件 {number}（{centre_name}，{filed_on} 登记）：{words}",
               f"Case {number} ({centre_name}, filed {filed_on}): {words}")]
    if rectify_by:
        lines.append(t(lang, f"整改期限：{rectify_by}", f"to be put right by {rectify_by}"))
    if outcome:
        lines.append(t(lang, f"处理结果：{outcome}", f"outcome: {outcome}"))
    return Reply("\n".join(lines))


def case_none(lang: str, number: str | None) -> Reply:
    if number:
        return Reply(t(lang, f"没有找到编号为 {number} 的投诉案件，请核对编号。",
                       f"There is no case numbered {number}; please check the number."))
    return Reply(t(lang, "这个对话里还没有登记过投诉案件。有案件编号的话，直接发给我即可。",
                   "No case was filed from this chat. If you have a case number, just send it."))


def case_cancelled(lang: str) -> Reply:
    return Reply(t(lang, "好的，没有登记。需要时随时说“我要投诉”。", "All right, nothing was filed. Say “complaint” any time."))


# -- registry upkeep: for the dialogue's owner to use in _centre_lines, centre_fact and _status_sentence ------------
def vacancies_note(lang: str, centre: Centre, today: date) -> str:
    """When a centre's free places were updated, and a warning once that is over 30 days ago: "（11-02 更新）"."""
    if centre.vacancies is None:
        return ""
    updated = centre.vacancies_updated_on
    when = t(lang, f"（{updated.isoformat()} 更新）", f" (updated {updated.isoformat()})") if updated else ""
    stale = "" if centre.vacancies_fresh(today) else t(lang, "，可能已过时，请向机构确认", "; may be out of date: ask the centre")
    return when + stale


def standing_note(lang: str, centre: Centre) -> str:
    """What the centre's standing means for a parent (a staff-only workplace nursery is said to be so)."""
    from geodata.centre import status_meaning

    return _label(lang, status_meaning(centre))
