"""Greeting, help, deep links, the language switch, and asking which of two intents was meant."""

from __future__ import annotations

from bot import answers
from bot.conversations import Pending, State
from bot.flows import Context, centres
from bot.replies import Message, Turn
from bot.understanding import Heard


def help_(ctx: Context, state: State, message: Message, text: str) -> Turn:
    state.pending = None
    if any(word in text.lower() for word in ("谢谢", "感谢", "thank")):
        return Turn("help", (answers.you_are_welcome(state.language),))
    return Turn("help", (answers.welcome(state.language, None),))


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
