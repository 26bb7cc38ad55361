"""Turning the engine's Replies into Telegram messages: HTML text, keyboards, and splits at the length limit.

Pure functions, no network: the adapter in bot/telegram.py sends what these return.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    constants,
)

from bilingual import LANGS, msg
from bot.replies import Button, Reply
from messaging.telegram_format import telegram_length as utf16_len  # Telegram counts UTF-16 units
from messaging.textsplit import split, utf16_units

logger = logging.getLogger(__name__)

MESSAGE_LIMIT = constants.MessageLimit.MAX_TEXT_LENGTH  # 4,096, counted in UTF-16 units after entity parsing
CALLBACK_DATA_LIMIT = constants.InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # 64 bytes

# The location keyboard's words, by language (from the catalogue).
LOCATION_BUTTON: dict[str, str] = {lang: msg("bot.location.button")(lang) for lang in LANGS}
LOCATION_PROMPT: dict[str, str] = {lang: msg("bot.location.prompt")(lang) for lang in LANGS}

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup


@dataclass(frozen=True)
class Outgoing:
    """One sendMessage: text in Telegram's HTML subset, and the keyboard attached to it."""

    text: str
    markup: Markup | None = None


def render(reply: Reply, language: str) -> list[Outgoing]:
    """The messages that carry one Reply. Buttons go on the last piece of text.

    A message takes one keyboard: when a reply has both buttons and a location request, the location button
    follows in a short message of its own.
    """
    if reply.html is not None and utf16_len(reply.html) <= MESSAGE_LIMIT:
        texts = [reply.html]
    else:  # too long for one message: the plain text splits cleanly, HTML tags might not
        texts = [html.escape(piece, quote=False) for piece in split_text(reply.text)]
    if not texts:
        logger.warning("an empty reply was not sent")
        return []
    messages = [Outgoing(text) for text in texts]
    buttons = inline_keyboard(reply.buttons)
    if buttons is not None:
        messages[-1] = Outgoing(messages[-1].text, buttons)
    if reply.request_location:
        location = location_keyboard(language)
        if buttons is None:
            messages[-1] = Outgoing(messages[-1].text, location)
        else:
            messages.append(Outgoing(_for(LOCATION_PROMPT, language), location))
    return messages


def inline_keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """Link buttons and data buttons. A data button Telegram would refuse (over 64 bytes) is left out, not cut:
    cut data would come back meaning something else."""
    keyboard = [[key for key in (_inline_button(button) for button in row) if key] for row in rows]
    keyboard = [row for row in keyboard if row]
    return InlineKeyboardMarkup(keyboard) if keyboard else None


def _inline_button(button: Button) -> InlineKeyboardButton | None:
    if button.url:
        return InlineKeyboardButton(button.label, url=button.url)
    if button.data and len(button.data.encode()) <= CALLBACK_DATA_LIMIT:
        return InlineKeyboardButton(button.label, callback_data=button.data)
    logger.error("button %r left out: its data is missing or longer than %d bytes", button.label,
                 CALLBACK_DATA_LIMIT)
    return None


def location_keyboard(language: str) -> ReplyKeyboardMarkup:
    button = KeyboardButton(_for(LOCATION_BUTTON, language), request_location=True)
    return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pieces of at most `limit` UTF-16 units, cut at a paragraph, line or sentence end where one is near."""
    return split(text, limit, utf16_units)


def _for(texts: dict[str, str], language: str) -> str:
    return texts.get(language, texts["zh"])
