"""Complaints become cases: after the complaint channels, the parent may file a case with consent, answer a few
questions (the centre, matched to the registry; what happened; a contact if they choose), get a case number, and
ask for its status at any time. Harm to a child still leads with 110: a case never replaces the police.

The engine calls `intercept` before routing: it takes this flow's buttons (`case:…`), the answers while a case
is being filed, a case number, and "我的投诉怎么样了". The complaint flow calls `offer`. `/forget` calls `forget`,
which removes the parent's contact and the link to this chat while the anonymised case stays for supervision.
"""

from __future__ import annotations

import re
from typing import Any

from bot import answers
from bot.conversations import State
from bot.flows import Context
from bot.flows.centres import named_centre
from bot.flows.subscribe import AGREE, DECLINE
from bot.replies import Message, Reply, Turn
from bot.slots import COMPLAINT_WORDS
from bot.understanding.safety import word_alarms
from geodata.cases import CASE_NUMBER, Cases, Category, reporter_key
from geodata.centre import Centre

STRONG = 85
CANCEL = re.compile(r"^(取消|算了|不用了?|不投诉了|不登记了?|cancel|stop)[。.!！~～]*$", re.I)
MY_CASES = re.compile(r"(我的|查询?|查一下)\s*(投诉|案件|举报)|(投诉|案件|举报).{0,6}(进展|进度|状态|结果|怎么样)|"
                      r"\b(my )?(complaint|case) (status|progress)\b|\bmy complaint\b", re.I)
# Agreeing to file, perhaps with more said after it: "好的 帮我登记投诉", "要登记，是…".
AGREE_TO_FILE = re.compile(r"^(?:好的?|好吧|可以|行|嗯+|是的?|对|要|需要|同意|麻烦(?:你|您)?|请)?"
                           r"[，,。!！\s]*(?:那)?(?:你|您)?(?:就)?(?:帮我|给我|请)?(?:要|想)?"
                           r"(?:登记|立案|提交|file it|register)"
                           r"(?:投诉|案件|一下|吧)?[。.!！，,\s]*", re.I)
# Asking for a case in words, wherever in the message: "帮我登记一下投诉", "那帮我登记投诉吧".
WANTS_CASE = re.compile(r"(?:帮我|给我|我要|我想|要|请)?(?:登记|立案)(?:一下)?(?:投诉|案件|举报)?(?:吧)?|"
                        r"\bfile (?:a |my )?(?:complaint|case)\b|\bregister (?:a |my )?complaint\b", re.I)
NO_CONTACT_SAID = re.compile(r"不留(?:联系方式|电话|手机|联系)?|不用留\S{0,4}|no contact", re.I)
NO_CONTACT = re.compile(r"^(?:不留|不用|不需要|不要|不想留|算了|没有|no|none|no thanks?)[^\d]{0,8}[。.!！]*$", re.I)
# A phone number, a WeChat ID or an e-mail address.
CONTACT = re.compile(r"\d[\d\s-]{4,}\d|(?<![A-Za-z])[A-Za-z](?=[-_A-Za-z0-9]*[\d_-])[-_A-Za-z0-9]{5,19}(?![A-Za-z])|"
                     r"[\w.+-]+@[\w-]+\.[\w.]+")
# Words that ask where or how to complain, not what happened: left out when the message is kept as the account.
ASKING = re.compile(r"我要|我想|想要|怎么|如何|在哪(里|儿)?|哪里|可以|能不能|投诉|举报|反映|一下|这家|机构|托育园?|"
                    r"[?？!！。,，、\s]|\b(how|where|can|i|want|to|complain|about|report)\b", re.I)


def register(ctx: Context) -> Cases:
    return Cases(ctx.registry.engine, clock=ctx.clock)


def channel_of(session: str) -> str:
    prefix = session.split(":", 1)[0]
    return {"tg": "telegram", "web": "web", "wx": "wechat", "wechat": "wechat"}.get(prefix, "console")


def offer(ctx: Context, state: State, centre: Centre | None, text: str) -> tuple[Reply, ...]:
    """The offer to file a case, made after the complaint channels; what was said is kept only in this
    conversation (24 hours) until the parent agrees or declines."""
    account = ASKING.sub("", text.replace(centre.name, "") if centre else text)
    earlier = state.case if state.case and state.case.get("step") in ("offer", "passed") else {}  # the same complaint
    said = [part for part in (earlier.get("what"), text.strip() if len(account) >= 6 else None) if part]
    state.case = {"step": "offer", "centre_id": centre.id if centre else earlier.get("centre_id"),
                  "what": "\n".join(said)[:2000] or None}
    return (answers.case_offer(state.language, centre.name if centre else None),)


def intercept(ctx: Context, session: str, state: State, message: Message) -> Turn | None:
    lang = state.language
    if message.button and message.button.startswith("case:"):
        return _button(ctx, session, state, message.button[5:])
    if message.command:
        state.case = None  # a command leaves the case unfiled
        return None
    text = message.text.strip()
    if not text or message.location:
        return None
    number = CASE_NUMBER.search(text.upper())
    if number:
        return _status(ctx, state, session, number.group(0))
    draft = state.case
    passed = draft is not None and draft.get("step") == "passed"  # offered, then the talk went on
    if (draft is None or passed) and WANTS_CASE.search(text) and _about_a_complaint(ctx, state, text):
        return _start(ctx, session, state, text)  # "好的 帮我登记一下投诉 不留联系方式", after the offer has passed
    if MY_CASES.search(text) and not WANTS_CASE.search(text):  # "我的投诉咋样了", even with a new case offered
        if draft is not None:
            draft["step"] = "passed"
        return _status(ctx, state, session, None)
    if draft is None or passed:
        return None
    if CANCEL.match(text):
        state.case = None
        return Turn("complaint", (answers.case_cancelled(lang),))
    step = draft.get("step")
    if step == "offer":
        agreed = AGREE_TO_FILE.match(text)
        if AGREE.match(text) or agreed or re.fullmatch(r"(?:需要|要|要的|需要的|需要登记)[。.!！]*", text):
            rest = text[agreed.end():].strip() if agreed else ""
            if NO_CONTACT_SAID.search(rest):  # "好的 帮我登记 不留联系方式"
                draft["contact"], rest = None, NO_CONTACT_SAID.sub("", rest).strip()
            if rest:  # "要登记 是伊旗的小太阳托育园 今天下午接孩子发现的": what follows is taken too
                _take_centre_and_account(ctx, draft, rest)
            return _next(ctx, session, state)
        if DECLINE.match(text):
            state.case = None
            return Turn("complaint", (answers.case_cancelled(lang),))
        draft["step"] = "passed"  # kept: "帮我登记一下投诉" later files what was said
        return None
    kinds = word_alarms(text)
    if any(kind in kinds for kind in ("emergency", "distress", "medicine")):
        return None  # the safety layer answers first; the case waits for the next answer
    lead = (answers.safety_first_line(lang, ["harm"]),) if "harm" in kinds else ()
    if step in ("centre", "centre_pick"):
        turn = _centre_named(ctx, session, state, text)
    elif step == "what":
        draft["what"] = text[:2000]
        turn = _next(ctx, session, state)
    elif step == "contact":
        if NO_CONTACT.match(text):
            draft["contact"] = None
            return _file(ctx, session, state)
        if not CONTACT.search(text):  # more of the account, perhaps: kept, and the contact asked again
            if len(ASKING.sub("", text)) >= 6:
                draft["what"] = ((draft.get("what") or "") + "\n" + text).strip()[:2000]
            return Turn("complaint", (*lead, answers.case_ask_contact(lang)))
        draft["contact"] = text[:100]
        turn = _file(ctx, session, state)
    else:
        state.case = None
        return None
    return Turn(turn.intent, (*lead, *turn.replies), turn.centres)


def _about_a_complaint(ctx: Context, state: State, text: str) -> bool:
    """Is there a complaint to file: one just talked about, or a centre named along with the request?"""
    topic = state.topic or ""
    return topic in {"complaint", "safety:harm", "safety:fraud"} or bool(COMPLAINT_WORDS.search(text))


def _start(ctx: Context, session: str, state: State, text: str) -> Turn:
    """A case asked for in words: the centre in focus or named, what was said (now, or before an offer that
    passed), and no contact if they say so."""
    named = named_centre(ctx, text)
    earlier = state.case if state.case and (named is None or state.case.get("centre_id") in (None, named.id)) else {}
    centre = named or (ctx.registry.get(state.centre_id) if state.centre_id else None)
    draft: dict[str, Any] = {"step": "offer", "centre_id": centre.id if centre else earlier.get("centre_id"),
                             "what": earlier.get("what")}
    state.case = draft
    if NO_CONTACT_SAID.search(text):
        draft["contact"] = None
    _take_centre_and_account(ctx, draft, WANTS_CASE.sub("", NO_CONTACT_SAID.sub("", text)))
    return _next(ctx, session, state)


def _take_centre_and_account(ctx: Context, draft: dict[str, Any], said: str) -> None:
    """A centre named and more of the account, said along with the agreement to file."""
    if not draft.get("centre_id"):
        centre = named_centre(ctx, said)
        if centre:
            draft["centre_id"] = centre.id
    if len(ASKING.sub("", said)) >= 6:
        draft["what"] = ((draft.get("what") or "") + "\n" + said).strip()[:2000]


def _button(ctx: Context, session: str, state: State, data: str) -> Turn:
    lang = state.language
    draft = state.case
    if data == "no" or draft is None:
        state.case = None
        return Turn("complaint", (answers.case_cancelled(lang),))
    if data == "yes":
        return _next(ctx, session, state)
    if data.startswith("c:"):
        chosen = data[2:]
        centre = ctx.registry.get(chosen) if chosen != "-" else None
        draft["centre_id"] = centre.id if centre else None
        return _next(ctx, session, state)
    if data == "nocontact":
        draft["contact"] = None
        return _file(ctx, session, state)
    return Turn("complaint", (answers.not_understood(lang),))


def _next(ctx: Context, session: str, state: State) -> Turn:
    """Ask for what is still missing: the centre, what happened, then a contact (optional)."""
    draft: dict[str, Any] = state.case or {}
    state.case = draft
    lang = state.language
    if not draft.get("centre_id") and not draft.get("centre_name"):
        draft["step"] = "centre"
        return Turn("complaint", (answers.case_ask_centre(lang),))
    if not draft.get("what"):
        draft["step"] = "what"
        return Turn("complaint", (answers.case_ask_what(lang),))
    if "contact" not in draft:
        draft["step"] = "contact"
        return Turn("complaint", (answers.case_ask_contact(lang),))
    return _file(ctx, session, state)


def _centre_named(ctx: Context, session: str, state: State, text: str) -> Turn:
    draft = state.case or {}
    name = text.strip()[:200]
    found = ctx.registry.search(name, limit=3)
    strong = [m.centre for m in found if m.score >= STRONG]
    draft["centre_name"] = name
    if strong:
        draft["centre_id"] = strong[0].id
        return _next(ctx, session, state)
    if found:
        draft["step"] = "centre_pick"
        return Turn("complaint", (answers.case_which_centre(state.language, name, [m.centre for m in found]),))
    return _next(ctx, session, state)


def _file(ctx: Context, session: str, state: State) -> Turn:
    draft = state.case or {}
    state.case = None
    centre = ctx.registry.get(draft["centre_id"]) if draft.get("centre_id") else None
    what = draft.get("what") or ""
    filed = register(ctx).file(what=what, channel=channel_of(session), centre=centre,
                               centre_name=draft.get("centre_name"), contact=draft.get("contact"),
                               reporter=reporter_key(session), district_code=state.region_code)
    state.topic = "complaint"
    return Turn("complaint", (answers.case_filed(state.language, filed.number, filed.centre_name,
                                                 filed.category is Category.harm),),
                centres=(centre.id,) if centre else ())


def _status(ctx: Context, state: State, session: str, number: str | None) -> Turn:
    lang = state.language
    cases = register(ctx)
    if number:
        found = cases.status_for_parent(number, channel_of(session))
        chosen = [found] if found else []
    else:
        chosen = cases.for_reporter(reporter_key(session))[:3]
        for case in chosen:
            cases.status_for_parent(case.number, channel_of(session))
    if not chosen:
        return Turn("complaint", (answers.case_none(lang, number),))
    replies = []
    for case in chosen:
        facts = case.public_json()
        replies.append(answers.case_status(lang, case.number, case.centre_name, case.status.value,
                                           facts["rectify_by"], case.outcome, facts["filed_on"]))
    return Turn("complaint", tuple(replies), centres=tuple(c.centre_id for c in chosen if c.centre_id))


def forget(ctx: Context, session: str) -> None:
    """/forget: the contact and the link to this chat leave every case filed from it."""
    register(ctx).forget_reporter(reporter_key(session))
