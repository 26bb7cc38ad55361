"""Subscribing to age-timed guidance (consent and date; the county is optional, asked after), changing the date,
stopping, forgetting."""

from __future__ import annotations

import re
from datetime import date

from bot import answers
from bot.conversations import Pending, State
from bot.flows import Context
from bot.replies import Message, Turn
from bot.slots import find_date, is_bad_date

AGREE_WORD = (r"(?:我)?(?:同意的|同意了|同意|好的?|好吧|可以|行|嗯+|是的?|对|没问题|确定|确认|"
              r"ok|okay|yes|yep|sure|agree|i agree)")
AGREE = re.compile(rf"^{AGREE_WORD}(?:[\s，,、。.!！~～]*{AGREE_WORD})*[。.!！~～]*$", re.I)  # "行 同意", "好的好的"
# "孩子出生后想按月龄收育儿知识": asking for the age-timed messages, whatever question is open.
ASKS_TO_SUBSCRIBE = re.compile(r"订阅|按月龄\S{0,6}(?:收|发|推)|月龄提醒|定期\S{0,4}(?:发|推|收)|推送给我|"
                               r"\bsubscribe\b|\bremind(?:ers?)? (?:me|by age)", re.I)
DECLINE = re.compile(r"^(我)?(不同意|不要|算了|不用了?|不了|拒绝|no|nope|don'?t)[。.!！~～]*$", re.I)


def subscribe(ctx: Context, state: State, message: Message, text: str) -> Turn:
    lang, today = state.language, ctx.today()
    if ctx.subscriptions is None or message.recipient is None:
        return Turn("subscribe", (answers.subscribe_in_bot(lang, ctx.bot_username, ctx.wechat),))
    if is_bad_date(text):
        state.pending = Pending.subscribe_date
        return Turn("subscribe", (answers.bad_date(lang),))
    earlier = state.birth_date or state.subscribed_on
    born = find_date(text, today, near=date.fromisoformat(earlier) if earlier else None)
    if born:
        state.birth_date = born.isoformat()
    division = ctx.gazetteer.division_in(text)
    if division:
        state.region_code = division
    if state.pending is Pending.subscribe_consent and AGREE.match(text.strip()):
        state.consent = True  # typed consent counts like the button
    if not state.consent:
        state.pending = Pending.subscribe_consent
        return Turn("subscribe", (answers.consent(lang, ctx.web_url, state.birth_date),))
    if not state.birth_date:
        state.pending = Pending.subscribe_date
        return Turn("subscribe", (answers.ask_birth_date(lang, for_leave=False),))
    birth = date.fromisoformat(state.birth_date)
    problem = answers.subscription_date_problem(lang, birth, today)
    if problem:
        state.birth_date, state.pending = None, Pending.subscribe_date
        return Turn("subscribe", (problem,))
    region = state.region_code if state.region_code and state.region_code != "-" else None
    try:
        ctx.subscriptions.subscribe(message.recipient, birth, region, lang, ctx.clock())
    except ValueError:  # the service's own checks (date, region); our questions should have caught them
        state.birth_date, state.pending = None, Pending.subscribe_date
        return Turn("subscribe", (answers.ask_birth_date(lang, for_leave=False),))
    again = state.subscribed_on == birth.isoformat()
    changed = state.subscribed_on is not None and not again
    # The county is optional: asked once, after subscribing, and taken if the next message names one.
    state.pending = Pending.subscribe_region if region is None and not again else None
    state.topic, state.subscribed_on = "subscribe", birth.isoformat()
    if again and region is not None:
        return Turn("subscribe", (answers.region_noted(lang, ctx.gazetteer.region_name(region)),))
    return Turn("subscribe", (answers.subscribed(lang, birth, today, changed=changed, ask_region=region is None),))


def consent_answer(ctx: Context, state: State, message: Message, text: str) -> Turn | None:
    """A typed answer to the consent question: 同意/好的/可以/yes counts like the button, 不同意 declines."""
    if AGREE.match(text.strip()):
        state.consent = True
        return subscribe(ctx, state, message, "")
    if DECLINE.match(text.strip()):
        return declined(state)
    return None


def is_consent_word(text: str) -> bool:
    return bool(AGREE.match(text.strip()) or DECLINE.match(text.strip()))


def region_declined(state: State, text: str) -> Turn | None:
    """"不用了" to the optional county question; None for anything else, which is read as a new message."""
    if DECLINE.match(text.strip()) or re.fullmatch(r"(跳过|不说|不填|skip)[。.!！]*", text.strip(), re.I):
        return Turn("subscribe", (answers.region_skipped(state.language),))
    return None


def declined(state: State) -> Turn:
    state.pending, state.consent = None, False
    return Turn("subscribe", (answers.subscribe_declined(state.language),))


def new_date(ctx: Context, state: State, message: Message, text: str) -> Turn | None:
    """A date sent after subscribing changes the subscription ("发送新的日期可随时修改")."""
    if state.subscribed_on is None or not (find_date(text, ctx.today()) or is_bad_date(text)) or len(text) > 40:
        return None
    return subscribe(ctx, state, message, text)


def unsubscribe(ctx: Context, state: State, message: Message, text: str) -> Turn:
    state.pending, state.topic, state.subscribed_on = None, "unsubscribe", None
    stopped = bool(ctx.subscriptions and message.recipient is not None and ctx.subscriptions.stop(message.recipient))
    return Turn("unsubscribe", (answers.unsubscribed(state.language, stopped),))


def forget(ctx: Context, session: str, state: State, message: Message) -> Turn:
    if ctx.subscriptions is not None and message.recipient is not None:
        ctx.subscriptions.forget(message.recipient)
    return Turn("forgotten", (answers.forgotten(state.language),))


def loss(ctx: Context, state: State, message: Message, asks_leave: bool) -> Turn:
    if ctx.subscriptions is not None and message.recipient is not None:
        ctx.subscriptions.mark_loss(message.recipient)
    state.pending, state.birth_date, state.age_months, state.subscribed_on = None, None, None, None
    # a question about leave after a miscarriage is answered with its leave, and reported as a leave question
    reply = answers.loss(state.language, with_miscarriage_leave=asks_leave)
    return Turn("leave" if asks_leave else "unsubscribe", (reply,))
