"""Complaints become cases in the dialogue: offered with consent after the channels, filed with a number, its
status reported back; harm to a child still leads with 110; /forget removes the contact and keeps the case."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.conversations import ConversationStore
from bot.engine import Engine
from bot.replies import Message, Turn
from common import Recipient, audit_log
from content.guidance.library import load_library
from geodata.cases import Cases, CaseStatus, cases
from geodata.gazetteer import default_gazetteer
from geodata.geocode import GazetteerGeocoder
from geodata.importer import read_registry_file
from geodata.index import StraightLineWalker
from geodata.registry import Registry
from geodata.walk import WalkModel

GOOD = Path(__file__).parents[1] / "data" / "registry_good.csv"
NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


@pytest.fixture
def engine(sqlite_store) -> Engine:  # type: ignore[no-untyped-def]
    registry = Registry(sqlite_store, StraightLineWalker(WalkModel()))
    registry.save(read_registry_file(GOOD).accepted)
    return Engine(registry=registry, conversations=ConversationStore(sqlite_store, clock=lambda: NOW),
                  gazetteer=default_gazetteer(), geocoder=GazetteerGeocoder(), library=load_library(),
                  clock=lambda: NOW)


def say(engine: Engine, text: str = "", session: str = "tg:7", **kwargs) -> Turn:  # type: ignore[no-untyped-def]
    recipient = Recipient("telegram", "7") if session.startswith("tg:") else None
    return engine.handle(session, Message(text=text, recipient=recipient, **kwargs))


def press(engine: Engine, data: str, session: str = "tg:7") -> Turn:
    return say(engine, session=session, button=data)


def buttons(turn: Turn) -> list[str]:
    return [b.data or "" for r in turn.replies for row in r.buttons for b in row]


def test_a_complaint_offers_a_case_and_files_it_with_consent(engine: Engine) -> None:
    offered = say(engine, "我要投诉测试托育园，他们乱收费还不退押金，老师态度也很差")
    assert offered.intent == "complaint" and "case:yes" in buttons(offered)
    asked = press(engine, "case:yes")  # the centre and the account came with the complaint
    assert "联系" in asked.text and "case:nocontact" in buttons(asked)
    filed = say(engine, "13800000000")
    register = Cases(engine.ctx.registry.engine)
    (case,) = register.find()
    assert case.centre_id == "T-001" and case.contact == "13800000000" and case.channel == "telegram"
    assert case.number in filed.text and case.category.value == "fees"
    status = say(engine, f"查询 {case.number}")
    assert status.intent == "complaint" and "已受理" in status.text
    register.update(case.number, "王科长", rectify_by=datetime(2027, 1, 31).date())
    assert "2027-01-31" in say(engine, "我的投诉怎么样了").text


def test_harm_leads_with_110_and_the_case_never_replaces_the_police(engine: Engine) -> None:
    first = say(engine, "测试托育园的老师打孩子")
    assert first.intent == "complaint" and first.replies[0].text.find("110") >= 0
    assert "case:yes" in buttons(first)
    press(engine, "case:yes")
    done = press(engine, "case:nocontact")
    assert "110" in done.text
    (case,) = Cases(engine.ctx.registry.engine).find()
    assert case.serious and case.category.value == "harm" and case.contact is None


def test_an_unknown_centre_is_asked_for_and_kept_by_the_name_given(engine: Engine) -> None:
    say(engine, "我要投诉")
    assert "机构" in press(engine, "case:yes").text
    assert "发生了什么" in say(engine, "快乐宝贝早教中心").text
    assert "联系" in say(engine, "上周把孩子一个人留在教室里很久没人管").text
    press(engine, "case:nocontact")
    (case,) = Cases(engine.ctx.registry.engine).find()
    assert case.centre_id is None and case.centre_name == "快乐宝贝早教中心"


def test_declining_files_nothing_and_the_talk_goes_on(engine: Engine) -> None:
    say(engine, "我要投诉测试托育园乱收费，不给退钱")
    assert "没有登记" in press(engine, "case:no").text
    assert Cases(engine.ctx.registry.engine).find() == []
    assert say(engine, "附近有普惠托育吗").intent == "find_centre"


def test_forget_removes_the_contact_and_keeps_the_anonymised_case(engine: Engine) -> None:
    say(engine, "我要投诉测试托育园，他们乱收费还不退押金")
    press(engine, "case:yes")
    say(engine, "wx_parent_88")
    say(engine, session="tg:7", command="forget")
    (case,) = Cases(engine.ctx.registry.engine).find()
    assert case.contact is None and not case.has_reporter and case.status is CaseStatus.received
    assert "没有登记过" in say(engine, "我的投诉怎么样了").text  # this chat is no longer linked to it
    with engine.ctx.registry.engine.connect() as conn:
        actions = [r.action for r in conn.execute(select(audit_log).order_by(audit_log.c.id))]
        stored = conn.execute(select(cases.c.contact, cases.c.reporter)).one()
    assert actions[-2:] == ["case.file", "case.forget"] and tuple(stored) == (None, None)


def test_a_typed_agreement_files_the_case_and_takes_what_is_said_with_it(engine: Engine) -> None:
    say(engine, "孩子从托育园回来胳膊上好几块青紫 问他说老师掐的")
    asked = say(engine, "要登记 是测试托育园 今天下午接孩子发现的")
    assert "联系" in asked.text  # the centre came with the agreement; the account with the first message
    not_a_contact = say(engine, "他还说老师不让他告诉我们")
    assert "联系" in not_a_contact.text
    filed = say(engine, "不留了")
    (case,) = Cases(engine.ctx.registry.engine).find()
    assert case.number in filed.text and "110" in filed.text
    assert case.centre_id == "T-001" and case.contact is None and "不让他告诉" in case.what


def test_a_wechat_id_or_a_phone_is_a_contact_but_a_plain_word_is_not(engine: Engine) -> None:
    say(engine, "我要投诉测试托育园，他们乱收费还不退押金")
    say(engine, "好的 帮我登记投诉")
    assert "联系" in say(engine, "rather").text
    say(engine, "wxid_parent01")
    (case,) = Cases(engine.ctx.registry.engine).find()
    assert case.contact == "wxid_parent01"
