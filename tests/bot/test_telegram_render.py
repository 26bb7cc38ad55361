"""Replies become Telegram messages: escaped HTML, keyboards, and splits at Telegram's length limit."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup

import bot  # noqa: F401
from bot.replies import Button, Reply
from bot.telegram_render import LOCATION_PROMPT, MESSAGE_LIMIT, render, split_text, utf16_len


def test_plain_text_is_escaped_and_html_is_used_as_given() -> None:
    [plain] = render(Reply("<b>1 & 2</b>"), "zh")
    assert plain.text == "&lt;b&gt;1 &amp; 2&lt;/b&gt;"
    [rich] = render(Reply("1 & 2", html="<b>1 &amp; 2</b>"), "zh")
    assert rich.text == "<b>1 &amp; 2</b>"


def test_html_too_long_for_one_message_falls_back_to_split_plain_text() -> None:
    text = "甲" * 3000 + "\n" + "乙" * 3000
    messages = render(Reply(text, html=f"<b>{text}</b>"), "zh")
    assert [m.text for m in messages] == ["甲" * 3000, "乙" * 3000]


def test_buttons_go_on_the_last_piece_and_bad_data_buttons_are_left_out() -> None:
    reply = Reply("乙" * 5000, buttons=(
        (Button("好", data="ok"), Button("六十四", data="好" * 21 + "x")),  # 64 bytes: allowed
        (Button("六十五", data="好" * 21 + "xy"), Button("空", data=None)),  # 65 bytes, and no data: left out
    ))
    first, last = render(reply, "zh")
    assert first.markup is None
    assert isinstance(last.markup, InlineKeyboardMarkup)
    rows = last.markup.inline_keyboard
    assert [[key.callback_data for key in row] for row in rows] == [["ok", "好" * 21 + "x"]]


def test_location_request_shares_no_message_with_inline_buttons() -> None:
    [alone] = render(Reply("请发送位置", request_location=True), "en")
    assert isinstance(alone.markup, ReplyKeyboardMarkup)
    assert alone.markup.keyboard[0][0].request_location is True
    assert "Send location" in alone.markup.keyboard[0][0].text
    with_buttons, prompt = render(Reply("附近", buttons=((Button("更多", data="more"),),), request_location=True),
                                  "zh")
    assert isinstance(with_buttons.markup, InlineKeyboardMarkup)
    assert isinstance(prompt.markup, ReplyKeyboardMarkup)
    assert prompt.text == LOCATION_PROMPT["zh"]


def test_an_empty_reply_sends_nothing() -> None:
    assert render(Reply("  "), "zh") == []


@pytest.mark.parametrize(("text", "limit", "pieces"), [
    ("short", 10, ["short"]),
    ("第一段。\n\n第二段很长很长", 10, ["第一段。", "第二段很长很长"]),
    ("一二三四五。六七八九十", 8, ["一二三四五。", "六七八九十"]),
    ("abcdefghij", 4, ["abcd", "efgh", "ij"]),  # no good place to cut: a hard cut
    ("ab😀😀", 4, ["ab😀", "😀"]),  # an emoji counts two units and is never cut in half
])
def test_split_text(text: str, limit: int, pieces: list[str]) -> None:
    assert split_text(text, limit) == pieces


def test_split_text_keeps_every_piece_within_telegrams_limit() -> None:
    text = "\n".join(f"{n}. 托育机构 {'😀' * (n % 7)} 约10分钟步行（估算）" for n in range(600))
    pieces = split_text(text)
    assert len(pieces) > 1
    assert all(utf16_len(piece) <= MESSAGE_LIMIT for piece in pieces)
    assert "\n".join(pieces) == text
