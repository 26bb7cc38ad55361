"""Greeting, help, deep links, the language switch, and asking which of two intents was meant."""

from __future__ import annotations

import re

from bot import answers
from bot.conversations import Pending, State
from bot.flows import Context, centres
from bot.replies import Message, Reply, Turn
from bot.slots import COMPLAINT_WORDS
from bot.understanding import Heard

# A community worker or volunteer asking for what to share ("社区要张贴的海报", "分享链接怎么弄").
FOR_OUTREACH = re.compile(r"海报|二维码|分享链接|推广链接|宣传(?:单|页|材料|资料)|张贴|转发给居民|"
                          r"\bposter\b|\bqr ?code\b|share link", re.I)

def help_(ctx: Context, state: State, message: Message, text: str) -> Turn:
    state.pending = None
    if any(word in text.lower() for word in ("谢谢", "感谢", "thank")):
        return Turn("help", (answers.you_are_welcome(state.language),))
    return Turn("help", (answers.welcome(state.language, None),))


# "急救电话多少", "what number is the ambulance": the numbers themselves.
NUMBERS_ASKED = re.compile(r"(?:急救|救护车|报警|求救|紧急|心理援助)\S{0,4}(?:电话|号码|打多少|打几|是多少)|"
                           r"\b(?:ambulance|emergency|police)\b.{0,12}\bnumber|\bnumber\b.{0,20}\b(?:ambulance|police)\b",
                           re.I)


# "附近有药店吗": places the register does not hold, asked without a word for childcare.
OTHER_PLACES = re.compile(r"药店|药房|医院|诊所|卫生院|卫生室|急诊|超市|母婴店|游乐场|公园|"
                          r"\b(?:pharmacy|pharmacies|chemist|drugstore|hospital|clinic|supermarket|playground|park)s?\b",
                          re.I)
CHILDCARE = re.compile(r"托|早教|幼儿园|保育|nursery|daycare|childcare|creche|kindergarten", re.I)
WHERE = re.compile(r"附近|周边|旁边|哪里|哪儿|哪有|在哪|找|最近的|\bnear|\bwhere\b|\bclosest\b|\bnearest\b", re.I)


def asks_other_places(text: str) -> bool:
    return bool(OTHER_PLACES.search(text) and WHERE.search(text)) and not CHILDCARE.search(text)


def other_places(state: State) -> Turn:
    return Turn("unknown", (answers.other_places(state.language),))


# "以后怎么辨别是不是骗子": how to tell a fee or subsidy scam, asked ahead.
SPOTTING_SCAMS = re.compile(r"(?:怎么|如何|怎样|咋)\S{0,3}(?:辨别|识别|分辨|判断|防|避免|看出|区分)\S{0,8}"
                            r"(?:骗|诈骗|骗子|骗局|真假)|(?:防|避免|不被|别被)\S{0,2}骗|"
                            r"\bhow (?:do i|to|can i) (?:spot|avoid|tell)\b.{0,30}\bscams?\b", re.I)


def spotting_scams(state: State) -> Turn:
    return _fixed(state, "complaint", answers.avoid_scams(state.language))


# "那我的信息你们会删掉吗": what is kept, and how to delete it (typed "删除我的数据" deletes at once, as /forget).
DATA_ASKED = re.compile(r"(?:信息|数据|资料|记录)\S{0,8}(?:删|保存|存着|留着|怎么处理|泄露)|"
                        r"(?:删|删除)\S{0,4}(?:我的)?(?:信息|数据|资料|记录)|"
                        r"\b(?:delete|keep|store)\b.{0,20}\b(?:data|info|information)\b", re.I)


def data_kept(state: State) -> Turn:
    return _fixed(state, "help", answers.data_kept(state.language))


def numbers(state: State) -> Turn:
    return _fixed(state, "help", answers.numbers(state.language))


def _fixed(state: State, intent: str, reply: Reply) -> Turn:
    """A fixed answer ("急救电话多少", how to spot a scam, what is kept): any question we asked is set aside."""
    state.pending = None
    return Turn(intent, (reply,))


def share_links(ctx: Context, state: State) -> Turn:
    """A community worker asking for a poster, a QR code or a link to share: how staff make them."""
    state.pending = None
    return Turn("help", (answers.share_links(state.language, ctx.web_url),))


def start(ctx: Context, state: State, payload: str, message: Message) -> Turn:
    preset = ctx.deep_links(payload) if payload else None
    title = None
    if preset:
        state.region_code = preset.region_code or state.region_code
        state.centre_id = preset.centre_id or state.centre_id
        state.campaign = preset.campaign or state.campaign
        title = preset.title
    replies = [answers.welcome(state.language, title)]
    if preset and preset.centre_id:
        detail = centres.centre_detail(ctx, state, preset.centre_id)
        if detail.centres:
            replies.extend(detail.replies)
    return Turn("help", tuple(replies))


def switch_language(state: State, language: str) -> Turn:
    state.language = language
    return Turn("help", (answers.language_switched(state.language),))


def which_intent(state: State, text: str, heard: Heard) -> Turn:
    """The model is unsure: ask with buttons, and answer the held message once they pick."""
    state.pending, state.held_text = Pending.which_intent, text[:500]
    first, second = heard.reading.intent, heard.reading.runner_up
    return Turn(first, (answers.which_intent(state.language, first, second),))


# Words that show a second topic in the same message ("想找托育，顺便问下产假"), unless negated ("不是问产假").
SECOND_TOPIC = {
    "leave": re.compile(r"产假|陪产假|护理假|育儿假|哺乳假|maternity|paternity|parental leave", re.I),
    "find_centre": re.compile(r"(找|附近|哪里|哪儿|哪有|哪些|哪几家|有没有|能去|能上|能送|可以去|可以上|可以送|"
                              r"要不要送|想送).{0,6}(托育|托儿所|托班|日托|托管)|想\S{0,4}(?:送托|入托)|"
                              r"(?:有啥|有什么|哪些|哪里|哪儿|哪家)\S{0,2}(?:能|可以)送|"
                              r"nursery|daycare|"
                              r"^\s*(?:托育|托儿所|托班|日托)(?:机构|中心|园|点)?\s*[?？。!！]*\s*$", re.I),
    "subsidy": re.compile(r"补贴|补助|津贴|subsid", re.I),
    "check_centre": re.compile(r"备案|正规吗|资质", re.I),
    "complaint": COMPLAINT_WORDS,
}
NEGATED = re.compile(r"(不是|不问|不用|不要|别|not|don't)\s*(问|想|要|找|说)?\s*$", re.I)
ALSO_AT_LEAST = 0.1  # the model must give the second topic some weight too


def decided_by_words(text: str, heard: Heard) -> str | None:
    """When the model is unsure between two intents and the words name exactly one of them ("孩子4岁了能去托育吗"),
    that one; else None, and the parent is asked."""
    named = [intent for intent in (heard.reading.intent, heard.reading.runner_up) if names_topic(text, intent)]
    return named[0] if len(named) == 1 else None


def names_topic(text: str, intent: str) -> bool:
    """Do the words name this intent's topic (not negated: "不是问产假")?"""
    pattern = SECOND_TOPIC.get(intent)
    match = pattern.search(text) if pattern else None
    return match is not None and not NEGATED.search(text[max(0, match.start() - 6):match.start()])


def also_asked(text: str, heard: Heard, answered: str) -> str | None:
    """The second topic of a two-topic message, when the words and the model both point to it."""
    reading = heard.reading
    other = reading.runner_up if reading.intent == answered else reading.intent
    if other == answered or reading.runner_up_probability < ALSO_AT_LEAST or not names_topic(text, other):
        return None
    return other
