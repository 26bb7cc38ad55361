"""WeChat's plain text: numbered choices for buttons, links as text, the 2,048-byte limit."""

from __future__ import annotations

from bot.replies import Button, Reply, typed
from bot.wechat_render import choice, render
from common import Recipient
from messaging.wechat_format import TEXT_LIMIT_BYTES, split_text, template_data


def test_buttons_become_numbered_choices_across_the_answer_and_links_stay_links() -> None:
    replies = [
        Reply("附近有两家：", buttons=((Button("测试托育园", data="centre:T-001"),),
                                       (Button("地图", url="https://cc.example.org/centres/T-001"),))),
        Reply("还想看更多吗？", buttons=((Button("下一页", data="more:39.60100,109.76100,5,i"),),),
              request_location=True),
    ]
    rendered = render(replies, "zh")
    assert rendered.choices == ("centre:T-001", "more:39.60100,109.76100,5,i")
    assert "回复 1 测试托育园" in rendered.text and "回复 2 下一页" in rendered.text
    assert "地图：https://cc.example.org/centres/T-001" in rendered.text
    assert "位置" in rendered.text and "<" not in rendered.text
    assert "Reply 1: 测试托育园" in render(replies, "en").text


def test_a_reply_number_maps_back_to_its_button() -> None:
    choices = ("subyes:", "subno:")
    assert choice("1", choices) == "subyes:"
    assert choice(" 回复2 ", choices) == "subno:"
    assert choice("２", choices) == "subno:"  # full-width digits, as Chinese keyboards type them
    assert choice("3", choices) is None and choice("1", ()) is None and choice("十一", choices) is None


def test_long_answers_are_cut_within_wechats_byte_limit() -> None:
    paragraph = "宝宝需要安全的睡眠环境。" * 30
    pieces = split_text("\n\n".join([paragraph] * 10))
    assert len(pieces) > 1 and all(len(p.encode()) <= TEXT_LIMIT_BYTES for p in pieces)
    assert all(p.endswith("。") for p in pieces)
    assert render([Reply("\n\n".join([paragraph] * 10))], "zh").messages == tuple(pieces)


def test_stop_and_forget_words_and_typed_commands() -> None:
    who = Recipient("wechat", "o-1")
    assert typed("退订", who).command == "stop"
    assert typed("删除我的数据", who).command == "forget"
    assert (typed("/subscribe 2026-01-10", who).command, typed("/subscribe 2026-01-10", who).argument) \
        == ("subscribe", "2026-01-10")
    assert typed("/unknown", who).command is None
    assert typed("我想退订吗", who).command is None  # a sentence goes to the engine


def test_template_data_fits_the_templates_fields() -> None:
    from datetime import date

    notice = "流感疫苗开始接种，请带好接种本和身份证件前往社区卫生服务中心"
    data = template_data(("thing1", "time2"), notice, date(2026, 3, 1))
    assert len(data["thing1"]["value"]) == 20 and data["thing1"]["value"].endswith("…")
    assert data["time2"] == {"value": "2026-03-01"}
