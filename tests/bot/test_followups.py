"""Follow-ups that refer back to the last answer, on the sample registry: which centre, which figure, which next
step. The scripted conversations in corpus/followups/dev.jsonl must all hold; heldout.jsonl is only reported
(bench_dialogue.py), never tuned on."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine as Store

from bot.engine import Engine
from bot.replies import Message, Turn
from common import Recipient
from geodata.registry import Registry
from tests.bot.scripts import load, new_engine, run
from tests.bot.test_engine import FakeSubscriptions


@pytest.fixture
def subs() -> FakeSubscriptions:
    return FakeSubscriptions()


@pytest.fixture
def sample(sqlite_store: Store, subs: FakeSubscriptions) -> tuple[Engine, Registry]:
    return new_engine(sqlite_store, subs)


def say(engine: Engine, text: str = "", **kwargs) -> Turn:  # type: ignore[no-untyped-def]
    return engine.handle("tg:7", Message(text=text, recipient=Recipient("telegram", "7"), **kwargs))


def test_every_dev_script_holds(sample: tuple[Engine, Registry]) -> None:
    failed = [o for o in run(*sample, load("dev.jsonl")) if not o.held]
    assert failed == []


def test_ordinals_and_pronouns_answer_about_the_listed_centre(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    listed = say(engine, "阿镇天骄社区附近有普惠托育吗").centres
    assert len(listed) >= 2
    second = registry.get(listed[1])
    assert second is not None and second.phone
    answer = say(engine, "第二家电话多少")
    assert answer.centres == (second.id,) and second.phone in answer.text and len(answer.text.splitlines()) == 1
    fee = say(engine, "它收多少钱")  # "it" is now the second centre, the one just discussed
    assert fee.centres == (second.id,)


def test_that_town_then_asks_the_same_search_elsewhere(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    say(engine, "阿镇附近有普惠托育吗")
    elsewhere = say(engine, "那锡尼镇呢")
    assert elsewhere.intent == "find_centre" and elsewhere.centres
    assert {registry.get(i).district_code for i in elsewhere.centres} == {"150625"}  # type: ignore[union-attr]
    assert "锡尼镇" in elsewhere.text  # the answer names the point it searched from


def test_any_others_gives_the_next_centres_then_the_non_inclusive_ones(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    first = say(engine, location=(39.5962, 109.758))
    more = say(engine, "那附近还有别的吗")
    assert more.intent == "find_centre" and more.centres and not set(more.centres) & set(first.centres)
    assert all(not registry.get(i).inclusive for i in more.centres)  # type: ignore[union-attr]


def test_leave_follow_ups_get_the_one_figure_asked(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    assert "158" in say(engine, "内蒙古产假多少天 孩子2026年3月1日生的").text
    husband = say(engine, "那我老公呢")
    assert husband.intent == "leave" and "25" in husband.text and len(husband.text.splitlines()) <= 2
    shanxi = say(engine, "山西呢")
    assert "山西" in shanxi.text and "15" in shanxi.text and "25" not in shanxi.text


def test_the_same_guidance_at_a_younger_age(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "宝宝发烧了怎么办 10个月")
    younger = say(engine, "那要是3个月以下呢")
    assert younger.intent == "guidance"
    assert younger.text.splitlines()[0].find("120") >= 0  # a fever under three months: 120 first


def test_typed_consent_and_a_new_date_change_the_subscription(sample: tuple[Engine, Registry],
                                                               subs: FakeSubscriptions) -> None:
    engine, _ = sample
    say(engine, "我想订阅育儿提醒 宝宝2026-05-01出生")
    say(engine, "同意")
    say(engine, "伊金霍洛旗")
    assert subs.subscribed[7] == (date(2026, 5, 1), "150627", "zh")
    changed = say(engine, "日期错了，是2026-05-10")
    assert changed.intent == "subscribe" and "2026-05-10" in changed.text
    assert subs.subscribed[7] == (date(2026, 5, 10), "150627", "zh")


def test_an_unsure_reading_asks_with_buttons_and_answers_the_held_message(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    from bot import buttons
    from bot.understanding import Heard
    from bot.understanding.model import Reading

    class Unsure:
        def read(self, text: str, age_months: int | None = None) -> Heard:
            return Heard(Reading("find_centre", 0.36, "subsidy", 0.33), None)

    engine.understanding = Unsure()  # type: ignore[assignment]
    asked = say(engine, "阿镇托育一个月多少")
    assert asked.intent == "find_centre"
    picks = [b.data for r in asked.replies for row in r.buttons for b in row]
    assert picks == [buttons.encode(buttons.Pick("find_centre")), buttons.encode(buttons.Pick("subsidy"))]
    answered = say(engine, button=buttons.encode(buttons.Pick("subsidy")))
    assert answered.intent == "subsidy" and "伊金霍洛旗" in answered.text
