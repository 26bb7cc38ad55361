"""The dialogue engine, flow by flow: which intent, which centres, which figures, which next step."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.conversations import ConversationStore
from bot.engine import Engine, Preset
from bot.replies import Message, Turn
from common import Recipient
from content.guidance.library import load_library
from geodata.gazetteer import default_gazetteer
from geodata.geocode import GazetteerGeocoder
from geodata.importer import read_registry_file
from geodata.index import StraightLineWalker
from geodata.registry import Registry
from geodata.walk import WalkModel

GOOD = Path(__file__).parents[1] / "data" / "registry_good.csv"
NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 11:00 in Beijing


def tg(chat_id: int) -> Recipient:
    """A Telegram chat as a recipient."""
    return Recipient("telegram", str(chat_id))



@dataclass
class FakeSubscriptions:
    subscribed: dict[int, tuple[date, str | None, str]] = field(default_factory=dict)
    stopped: list[int] = field(default_factory=list)
    forgotten: list[int] = field(default_factory=list)
    losses: list[int] = field(default_factory=list)

    def subscribe(self, recipient: Recipient, birth_date: date, region_code: str | None, language: str,
                  consent_at: datetime) -> object:
        self.subscribed[int(recipient.user_id)] = (birth_date, region_code, language)
        return None

    def stop(self, recipient: Recipient) -> bool:
        self.stopped.append(int(recipient.user_id))
        return int(recipient.user_id) in self.subscribed

    def forget(self, recipient: Recipient) -> None:
        self.forgotten.append(int(recipient.user_id))
        self.subscribed.pop(int(recipient.user_id), None)

    def mark_loss(self, recipient: Recipient) -> None:
        self.losses.append(int(recipient.user_id))


@pytest.fixture
def subs() -> FakeSubscriptions:
    return FakeSubscriptions()


@pytest.fixture
def engine(sqlite_store, subs: FakeSubscriptions) -> Engine:  # type: ignore[no-untyped-def]
    registry = Registry(sqlite_store, StraightLineWalker(WalkModel()))
    registry.save(read_registry_file(GOOD).accepted)
    presets = {"c-poster1": Preset(region_code="150627", title="天骄社区海报")}
    return Engine(registry=registry, conversations=ConversationStore(sqlite_store, clock=lambda: NOW),
                  gazetteer=default_gazetteer(), geocoder=GazetteerGeocoder(), library=load_library(),
                  subscriptions=subs, deep_links=presets.get, clock=lambda: NOW, web_url="https://cc.example")


def say(engine: Engine, text: str = "", session: str = "tg:1", **kwargs) -> Turn:  # type: ignore[no-untyped-def]
    recipient = tg(1) if session.startswith("tg:") else None
    return engine.handle(session, Message(text=text, recipient=recipient, **kwargs))


def buttons(turn: Turn) -> list[str]:
    return [b.data or b.url or "" for r in turn.replies for row in r.buttons for b in row]


# -- find a centre -----------------------------------------------------------------------------------------
def test_find_asks_for_a_location_then_lists_inclusive_centres_nearest_first(engine: Engine) -> None:
    first = say(engine, "附近有普惠托育吗")
    assert first.intent == "find_centre"
    assert first.replies[0].request_location
    answer = say(engine, location=(39.6, 109.76))
    assert answer.intent == "find_centre"
    assert "centre:T-001" in buttons(answer) and "centre:T-002" in buttons(answer)
    assert "centre:T-003" not in buttons(answer)  # not inclusive
    assert "centre:T-004" not in buttons(answer)  # suspended
    text = answer.text
    assert text.index("测试托育园") < text.index("萌宝驿站")
    assert "估算" in text and "uri.amap.com" in text


def test_widening_to_all_centres_adds_the_non_inclusive_one(engine: Engine) -> None:
    answer = say(engine, location=(39.6, 109.76))
    widen = next(b for b in buttons(answer) if b.startswith("all:"))
    wider = say(engine, button=widen)
    assert "centre:T-003" in buttons(wider)


def test_a_typed_place_is_used_and_named(engine: Engine) -> None:
    answer = say(engine, "阿勒腾席热镇附近有托育吗")
    assert answer.intent == "find_centre"
    assert "阿勒腾席热镇" in answer.text
    assert "centre:T-001" in buttons(answer)


def test_age_filter_is_read_from_the_message(engine: Engine) -> None:
    say(engine, "宝宝3个月，附近有托育吗，不限普惠")
    answer = say(engine, location=(39.6, 109.76))
    assert [b for b in buttons(answer) if b.startswith("centre:")] == ["centre:T-003"]


def test_none_in_the_circle_gives_the_nearest_beyond_it(engine: Engine) -> None:
    answer = say(engine, location=(39.65, 109.76))  # about 5.5 km north
    assert "15" in answer.text and "最近" in answer.text
    assert "测试托育园" in answer.text


def test_location_is_never_stored(engine: Engine, sqlite_store) -> None:  # type: ignore[no-untyped-def]
    say(engine, location=(39.6012345, 109.7654321))
    from sqlalchemy import select

    from bot.store import conversations
    with sqlite_store.connect() as conn:
        stored = str(conn.execute(select(conversations.c.state)).scalar())
    assert "39.60" not in stored and "109.76" not in stored


# -- check a centre ----------------------------------------------------------------------------------------
def test_check_a_filed_centre(engine: Engine) -> None:
    answer = say(engine, "萌宝驿站天骄社区点有没有备案")
    assert answer.intent == "check_centre"
    assert "T-002" in answer.text and "已备案" in answer.text


def test_check_a_suspended_centre_warns(engine: Engine) -> None:
    answer = say(engine, "暂停托育中心正规吗")
    assert "暂停" in answer.text and "12345" in answer.text


def test_check_an_unknown_centre_says_how_to_verify(engine: Engine) -> None:
    answer = say(engine, "蓝鲸海洋早教有没有备案")
    assert answer.intent == "check_centre"
    assert "12345" in answer.text and "卫生健康" in answer.text


def test_check_without_a_name_asks_for_it(engine: Engine) -> None:
    assert "名称" in say(engine, "帮我查一下有没有备案").text
    assert "T-001" in say(engine, "测试托育园").text


# -- leave -------------------------------------------------------------------------------------------------
def test_leave_asks_for_province_then_date_then_gives_the_figures(engine: Engine) -> None:
    assert say(engine, "产假有多少天").intent == "leave"
    assert say(engine, "内蒙古").intent == "leave"
    answer = say(engine, "2026年3月1日")
    assert answer.intent == "leave"
    assert "158" in answer.text and "98 + 60" in answer.text and "25" in answer.text


def test_leave_in_one_message(engine: Engine) -> None:
    answer = say(engine, "我在四川上班，宝宝2025-12-01出生，产假多久")
    assert "188" in answer.text


def test_leave_tells_shanxi_from_shaanxi(engine: Engine) -> None:
    answer = say(engine, "山西产假多少天，2026-01-05生的")
    assert "158" in answer.text and "山西" in answer.text


def test_leave_with_an_impossible_date_asks_again(engine: Engine) -> None:
    say(engine, "内蒙古产假")
    assert "不存在" in say(engine, "2026-02-30").text


# -- guidance ----------------------------------------------------------------------------------------------
def test_guidance_by_topic_gives_an_article_that_points_to_a_doctor(engine: Engine) -> None:
    answer = say(engine, "宝宝发烧了怎么办")
    assert answer.intent == "guidance"
    assert "发烧" in answer.text or "发热" in answer.text
    assert "120" in " ".join(r.html or r.text for r in answer.replies)


def test_an_emergency_puts_120_first(engine: Engine) -> None:
    answer = say(engine, "宝宝抽搐了")
    assert answer.replies[0].text.count("120") == 1


def test_guidance_by_age_lists_articles_for_that_age(engine: Engine) -> None:
    answer = say(engine, "宝宝8个月了有什么要注意的")
    assert answer.intent == "guidance"
    assert any(b.startswith("guide:") for b in buttons(answer))


# -- subsidy -----------------------------------------------------------------------------------------------
def test_subsidies_for_a_seed_region_cite_their_source(engine: Engine) -> None:
    answer = say(engine, "运城市盐湖区托育有补贴吗")
    assert answer.intent == "subsidy"
    assert "200" in answer.text and "运政办发〔2020〕37号" in answer.text


def test_subsidies_elsewhere_say_they_are_unknown(engine: Engine) -> None:
    answer = say(engine, "广东有托育补贴吗")
    assert "还没有收录" in answer.text
    assert "未核实" in answer.text  # the national subsidy is marked unverified


# -- subscribe, stop, forget, loss -------------------------------------------------------------------------
def test_subscribe_asks_consent_then_subscribes_and_takes_an_optional_county(engine: Engine,
                                                                             subs: FakeSubscriptions) -> None:
    first = engine.handle("tg:1", Message(command="subscribe", argument="2026-09-01", recipient=tg(1)))
    assert "subyes:" in buttons(first) and subs.subscribed == {}
    done = say(engine, button="subyes:")
    assert done.intent == "subscribe" and "订阅成功" in done.text and "旗县" in done.text
    assert subs.subscribed == {1: (date(2026, 9, 1), None, "zh")}
    noted = say(engine, "伊金霍洛旗")
    assert noted.intent == "subscribe" and "伊金霍洛旗" in noted.text
    assert subs.subscribed == {1: (date(2026, 9, 1), "150627", "zh")}


def test_the_optional_county_can_be_declined_or_passed_over(engine: Engine, subs: FakeSubscriptions) -> None:
    engine.handle("tg:1", Message(command="subscribe", argument="2026-09-01", recipient=tg(1)))
    say(engine, "同意")
    assert "不填" in say(engine, "不用了").text
    assert subs.subscribed == {1: (date(2026, 9, 1), None, "zh")}
    engine.handle("tg:1", Message(command="subscribe", argument="2026-09-02", recipient=tg(1)))
    say(engine, "好的")
    assert say(engine, "内蒙古产假多少天").intent == "leave"
    assert subs.subscribed == {1: (date(2026, 9, 2), None, "zh")}


def test_subscribe_refuses_a_due_date_too_far_ahead(engine: Engine, subs: FakeSubscriptions) -> None:
    say(engine, "订阅")
    say(engine, button="subyes:")
    assert "10个月" in say(engine, "2027-12-01").text
    assert subs.subscribed == {}


def test_subscribe_on_the_web_points_to_the_bot(engine: Engine) -> None:
    assert "Telegram" in say(engine, "订阅育儿提醒", session="web:abc").text


def test_stop_and_forget(engine: Engine, subs: FakeSubscriptions) -> None:
    engine.handle("tg:1", Message(command="stop", recipient=tg(1)))
    assert subs.stopped == [1]
    say(engine, "内蒙古产假")
    engine.handle("tg:1", Message(command="forget", recipient=tg(1)))
    assert subs.forgotten == [1]
    assert engine.conversations.load("tg:1").region_code is None


def test_loss_is_met_with_care_and_stops_messages(engine: Engine, subs: FakeSubscriptions) -> None:
    answer = say(engine, "宝宝没了，不用再发了")
    assert subs.losses == [1]
    assert "难过" in answer.text and "12356" in answer.text


# -- complaint, help, deep links, language -----------------------------------------------------------------
def test_complaint_names_the_channels(engine: Engine) -> None:
    answer = say(engine, "孩子在托育园被打了")
    assert answer.intent == "complaint"
    assert "110" in answer.text and "12345" in answer.text


def test_a_deep_link_presets_the_region(engine: Engine) -> None:
    welcome = engine.handle("tg:1", Message(command="start", argument="c-poster1", recipient=tg(1)))
    assert "天骄社区海报" in welcome.text
    answer = say(engine, "有补贴吗")
    assert "伊金霍洛旗" in answer.text


def test_language_switch(engine: Engine) -> None:
    engine.handle("tg:1", Message(command="language", recipient=tg(1)))
    assert engine.language("tg:1") == "en"
    assert "filed" in say(engine, location=(39.6, 109.76)).text


def test_unknown_and_empty_messages(engine: Engine) -> None:
    assert say(engine, "今天天气怎么样").intent == "unknown"
    assert say(engine, "   ").intent == "unknown"


# -- what play-testing as parents showed ---------------------------------------------------------------------
def test_despair_is_answered_first_with_people_to_talk_to(engine: Engine) -> None:
    answer = say(engine, "我不想活了，带孩子太累了")
    assert "12356" in answer.text and "120" in answer.text and "110" in answer.text


@pytest.mark.parametrize(("text", "slug_title"), [
    ("孩子被花生呛住了，喘不上气", "噎住"),
    ("孩子误吞了纽扣电池", "120"),
])
def test_emergencies_put_120_first_then_the_right_article(engine: Engine, text: str, slug_title: str) -> None:
    answer = say(engine, text)
    assert "120" in answer.replies[0].text
    assert slug_title in answer.replies[1].text


def test_twins_and_a_difficult_birth_are_read_from_the_message(engine: Engine) -> None:
    answer = say(engine, "广东 双胞胎 难产 2025-09-01 出生，产假多少天")
    assert "223" in answer.text  # 98 + 80 + 30 (难产 in 广东) + 15 (the second baby)


def test_birth_order_is_read_from_the_message(engine: Engine) -> None:
    assert "188" in say(engine, "浙江，二胎，2026年3月1日出生，产假").text


def test_a_city_gives_the_province(engine: Engine) -> None:
    assert "四川省" in say(engine, "我在成都上班，2026-01-05出生，产假多久").text


def test_an_age_keeps_guidance_to_that_age(engine: Engine) -> None:
    answer = say(engine, "8个月要打什么疫苗")
    assert "8月龄" in answer.replies[0].text and "18月龄" not in answer.replies[0].text


def test_a_child_who_went_is_a_loss_but_one_who_walks_is_not(engine: Engine, subs: FakeSubscriptions) -> None:
    assert say(engine, "宝宝会走了，好开心").intent != "unsubscribe"
    assert say(engine, "我的宝宝上个月走了").intent == "unsubscribe" and subs.losses == [1]


def test_a_miscarriage_question_gets_the_national_figures_with_care(engine: Engine) -> None:
    answer = say(engine, "我流产了，产假有多少天")
    assert "难过" in answer.text and "15天" in answer.text and "42天" in answer.text


def test_far_from_any_centre_says_none_recorded_not_minutes(engine: Engine) -> None:
    answer = say(engine, location=(39.99, 116.47))  # Beijing, 1,000 km from the test registry
    assert "暂未收录" in answer.text and "分钟" not in answer.text


def test_english_messages_are_answered_in_english(engine: Engine) -> None:
    answer = say(engine, "Is there a daycare near 阿勒腾席热镇?")
    assert answer.intent == "find_centre" and "filed" in answer.text


def test_the_subscribe_deep_link_starts_subscribing(engine: Engine) -> None:
    answer = engine.handle("tg:1", Message(command="start", argument="subscribe", recipient=tg(1)))
    assert answer.intent == "subscribe" and "subyes:" in buttons(answer)


def test_an_ambiguous_place_is_asked_about(engine: Engine) -> None:
    answer = say(engine, "团结社区附近有托育吗")  # one in 伊金霍洛旗, one in 杭锦旗
    assert "哪一个" in answer.text
    picks = [b for b in buttons(answer) if b.startswith("at:")]
    assert len(picks) == 2
    assert say(engine, button=picks[0]).intent == "find_centre"


def test_a_county_named_with_the_place_settles_it(engine: Engine) -> None:
    assert "哪一个" not in say(engine, "伊金霍洛旗团结社区附近有托育吗").text


def test_a_follow_up_keeps_the_place_and_widens_the_search(engine: Engine) -> None:
    say(engine, "阿勒腾席热镇附近有托育吗")
    wider = say(engine, "非普惠的也要看看")
    assert "阿勒腾席热镇" in wider.text and "centre:T-003" in buttons(wider)


def test_a_leave_question_set_aside_is_taken_up_again(engine: Engine) -> None:
    assert say(engine, "产假多少天").intent == "leave"
    assert say(engine, "孩子发烧39度怎么办").intent == "guidance"
    assert say(engine, "山西").intent == "leave"
    assert "158" in say(engine, "2026-01-05").text


def test_a_complaint_about_fees_leads_with_the_consumer_line(engine: Engine) -> None:
    fees = say(engine, "托育园不给退费怎么维权").text
    harm = say(engine, "老师体罚孩子，我要投诉").text
    assert fees.index("12315") < fees.index("110")
    assert harm.index("110") < harm.index("12315")


def test_a_complaint_naming_a_centre_shows_its_filing(engine: Engine) -> None:
    answer = say(engine, "我要投诉测试托育园")
    assert answer.intent == "complaint" and "T-001" in answer.text
