"""Follow-ups that refer back to the last answer, on the sample registry: which centre, which figure, which next
step. The scripted conversations in corpus/followups/dev.jsonl must all hold; heldout.jsonl is only reported
(bench_dialogue.py), never tuned on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine as Store

from bot import answers
from bot.conversations import ConversationStore
from bot.engine import Engine
from bot.replies import Message, Turn
from common import Recipient
from geodata.registry import Registry
from tests.bot.scripts import NOW, load, new_engine, run
from tests.bot.test_engine import FakeSubscriptions


@pytest.fixture
def subs() -> FakeSubscriptions:
    return FakeSubscriptions()


@pytest.fixture
def sample(sqlite_store: Store, subs: FakeSubscriptions) -> tuple[Engine, Registry]:
    return new_engine(sqlite_store, subs)


def say(engine: Engine, text: str = "", chat: str = "7", **kwargs) -> Turn:  # type: ignore[no-untyped-def]
    return engine.handle(f"tg:{chat}", Message(text=text, recipient=Recipient("telegram", chat), **kwargs))


# Dev checks that do not hold, each with why: the writer expected what the service deliberately does otherwise, or
# (marked) a known miss left for later. A check that starts to hold, or a new miss, fails the test.
DISAGREED = {
    ("p11", 3): "the 条例 gives 陪产假 in days without saying whether holidays count: we say so, we don't guess",
    ("p17", 3): "the same for Shanghai's 陪产假 (only its 生育假 is 顺延 in the data)",
    ("r25", 3): "the same again (Shanghai's 陪产假 over the Spring Festival)",
    ("r07", 2): "no centre within 20 km of 札萨克镇: nothing is listed, which the listed_county check counts as a miss",
    ("r07", 3): "the same for 成吉思汗陵",
    ("r12", 3): "the first centre listed is an inclusive community point with no fee on record",
    ("r63", 2): "a shared location is never kept, so 'any others' after one cannot search beyond its circle",
    # Writer W (session 4): what is still missed, for later.
    ("w30", 2): "known miss: pay during leave (生育津贴) is not in the data",
    ("w39", 1): "the model is unsure between subscribing and guidance for '宝宝刚满月 该注意啥', and asks",
    # Writer AE (session 5).
    ("ae06", 2): "the list puts 普惠 centres first: the last of the two is the non-inclusive one, not the nearest",
    ("ae29", 4): "the same order: the second listed is a non-inclusive centre",
    ("ae12", 2): "no sample centre lies within 20 km of 东胜区: nothing is listed, so listed_county cannot hold",
    ("ae12", 3): "the sample has no centre in 康巴什区; the nearest, shown, lie over the border in 伊金霍洛旗",
    ("ae47", 3): "no sample centre for an 8-month-old lies within 20 km of 朝天区",
    ("ae34", 4): "the search narrowed to one centre already listed, which the runner does not count as a new list",
    # Writer AI (session 5).
    ("ai22", 4): "'那上海呢' right after '育儿假一年几天' asks Shanghai's 育儿假, not its maternity leave",
    ("ai48", 4): "the same: '四川呢' after the husband's leave asks the husband's leave in 四川",
    ("ai39", 3): "the same in English: 'what if … born in October 2025' after paternity leave asks paternity leave",
    ("ai42", 3): "河东小星托育园 (普惠, 6–36 months) also takes an 8-month-old and is listed first",
    # Writer AK (session 5).
    ("ak04", 3): "with no 普惠 centre for a 10-month-old in the circle, the nearest 普惠 one beyond it is listed first",
    ("ak15", 4): "'要是2025年10月生的呢' right after the husband's leave asks the husband's leave",
    ("ak28", 3): "'贵不贵' is answered with the centre's fee span, not with whether it is 普惠",
    ("ak29", 3): "the answer gives 向日葵's fee and that it is 普惠; the writer expected a figure of 300 that the "
                 "sample data does not hold",
    # Writer CS (session 9).
    ("cs25", 3): "the same as ai48: 'what about Jiangsu' right after the husband's leave asks his leave in Jiangsu",
    ("cs35", 2): "'是已经停了吗' with no subscription is told that none is kept and nothing will be sent",
    ("cs38", 2): "known miss: '国家级的是多少' after the subsidy list (an award for a national demonstration "
                 "centre) is not understood",
    ("cs50", 2): "a centre named right after a fraud report gets its filing with where to report it, as a complaint",
    # Writer CG (session 9).
    ("cg02", 3): "the third centre has no fee on record, which the answer says",
    ("cg38", 2): "the same: the second centre has no fee on record",
    ("cg45", 4): "the same for the second centre near 西红海子公园",
    ("cg04", 4): "no sample centre for an 8-month-old within 20 km of 呼和木独镇: nothing is listed, so listed_county "
                 "cannot hold",
    ("cg29", 5): "every centre of the last search was listed already, which the answer says",
    ("cg35", 2): "known miss: a region given after the miscarriage-leave answer is not taken as its region",
    ("cg35", 3): "then '下一胎要是顺利 产假多少' asks for the region again",
    ("cg40", 5): "'贝贝乐还有位置吗' answers 贝贝乐 (full); the runner's list is of the search before, where it is not "
                 "first",
    ("cg46", 4): "the writer took 格桑花托育中心 for 普惠; the sample registry says it is not",
    ("cg50", 1): "known miss: a greeting typed in pinyin ('nihao zhe ge shi gan sha de') is not understood",
    # Writer CJ (session 9).
    ("cj01", 4): "the list puts the 普惠 centres first; the writer's first (by distance) is a non-inclusive one",
    ("cj02", 3): "the same order: the writer's second centre is not the second listed",
    ("cj10", 3): "the same order again for 府东街 (the writer's list by distance)",
    ("cj10", 5): "then 'it' is the second centre of the list as shown, whose hours differ",
    ("cj28", 3): "known miss: '我咋只有158' is answered with the figures, not with why (the 2025-11-28 amendment)",
}


def test_every_dev_script_holds(sample: tuple[Engine, Registry]) -> None:
    failed = {(o.script, o.turn) for o in run(*sample, load("dev.jsonl")) if not o.held}
    assert failed == set(DISAGREED)


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


def test_a_month_without_a_day_gives_that_months_figures(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    before = say(engine, "四川产假多少天，宝宝2024年6月出生")  # 四川 went from 158 to 188 days on 2025-11-28
    assert "158" in before.text and "188" not in before.text
    first = say(engine, "如果是头胎呢")
    assert first.intent == "leave" and "158" in first.text


def test_a_correction_searches_the_place_meant(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    say(engine, "阿镇有普惠托育吗")
    corrected = say(engine, "不对，是杭锦旗")
    assert corrected.intent == "find_centre" and corrected.centres
    assert {registry.get(i).district_code for i in corrected.centres} == {"150625"}  # type: ignore[union-attr]


def test_a_narrower_filter_after_a_shared_point_filters_what_was_found(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    everything = say(engine, location=(39.6045, 109.7618))
    assert any(not registry.get(i).inclusive for i in everything.centres)  # type: ignore[union-attr]
    only = say(engine, "只要普惠的")
    assert only.intent == "find_centre" and only.centres
    assert set(only.centres) < set(everything.centres)
    assert all(registry.get(i).inclusive for i in only.centres)  # type: ignore[union-attr]


def test_a_second_topic_gets_a_button_and_a_topic_word_switches_to_it(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    first = say(engine, "我在锡尼镇，想找托育，顺便问下内蒙古产假多少天")
    assert first.intent == "leave" and "158" in first.text
    assert any(b.data == "pick:find_centre" for r in first.replies for row in r.buttons for b in row)
    centres = say(engine, "那托育呢")  # the place named two messages ago
    assert centres.intent == "find_centre" and centres.centres
    assert {registry.get(i).district_code for i in centres.centres} == {"150625"}  # type: ignore[union-attr]


def test_after_an_alarm_a_question_about_a_listed_centre_is_answered(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    listed = say(engine, "盐湖区西花园社区附近有托育吗").centres
    assert "120" in say(engine, "孩子把纽扣电池吞下去了").text
    second = registry.get(listed[1])
    answer = say(engine, "好，那第二家电话多少")
    assert second is not None and answer.centres == (second.id,) and second.phone in answer.text


# -- what the session-3 play-test found ------------------------------------------------------------------------
def test_the_word_after_an_emergency_repeats_120_without_advice_for_another_emergency(
        sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "他刚才吃苹果噎住了 脸都紫了 喘不上气")
    after = say(engine, "好的")
    assert after.text.splitlines()[0].count("120") == 1
    assert "侧躺" not in after.text and "接线员的指导" in after.text  # choking is not poisoning


def test_an_alarm_holds_the_next_message_for_half_an_hour_only(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "宝宝吞了一颗纽扣电池")
    assert "120" in say(engine, "然后呢").text
    later = NOW + timedelta(minutes=31)
    engine.ctx.clock = lambda: later
    engine.conversations.clock = lambda: later
    back = say(engine, "宝宝发烧39度怎么办")
    assert back.intent == "guidance" and "这可能是紧急情况" not in back.text


def test_a_short_word_after_despair_stays_with_care_even_with_a_question_set_aside(
        sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "山西产假多少天")  # asks for the birth date
    assert "12356" in say(engine, "我真的撑不下去了 天天哭 不想活了").text
    assert "12356" in say(engine, "嗯").text


def test_harm_at_home_leads_with_110_and_no_centre_complaint_lines(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    home = say(engine, "我老公喝了酒在家打孩子 现在还在打")
    assert home.intent == "complaint" and home.text.splitlines()[0].find("110") >= 0
    assert "12315" not in home.text and "备案" not in home.text


def test_over_three_is_told_what_childcare_covers(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    answer = say(engine, "孩子4岁了能去托育吗")
    assert answer.intent == "find_centre" and not answer.centres and "幼儿园" in answer.text


def test_a_province_without_its_local_rule_says_the_figure_is_the_national_part_only(
        sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    answer = say(engine, "陕西省产假多少天")
    assert "98天" in answer.text and "只含国家规定的部分" in answer.text


def test_and_for_her_after_paternity_is_the_mothers_leave(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "My wife just gave birth in Inner Mongolia. How long is my paternity leave?")
    her = say(engine, "and for her?")
    assert her.intent == "leave" and "158" in her.text and "110" not in her.text


def test_an_empty_registry_says_it_is_not_loaded_rather_than_none_near(sqlite_store: Store) -> None:
    from content.guidance.library import load_library
    from geodata.gazetteer import default_gazetteer
    from geodata.geocode import GazetteerGeocoder
    from geodata.index import StraightLineWalker
    from geodata.walk import WalkModel

    registry = Registry(sqlite_store, StraightLineWalker(WalkModel()))
    engine = Engine(registry=registry, conversations=ConversationStore(sqlite_store, clock=lambda: NOW),
                    gazetteer=default_gazetteer(), geocoder=GazetteerGeocoder(), library=load_library(),
                    subscriptions=None, clock=lambda: NOW)
    answer = say(engine, "阿镇附近有托育机构吗")
    assert answer.intent == "find_centre" and not answer.centres and "还没有导入" in answer.text
    check = say(engine, "蓝天幼儿园托班备案了吗")  # never "not in the register": the register is not there
    assert check.intent == "check_centre" and "还没有导入" in check.text and "没有在备案名录中" not in check.text


def test_a_fee_question_gets_the_countys_registered_fees_or_the_named_centres(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    county = say(engine, "伊金霍洛旗托育一个月多少钱")  # not a one-month-old's search
    assert county.intent == "subsidy"
    assert "600–4200" in county.text and "20 家" in county.text and "600–1900" in county.text  # 普惠 apart
    assert "3600" in county.text and "发给托育机构" not in county.text
    named = say(engine, "how much does 小星星托育园 cost per month")
    assert "1400–1600" in named.text and "600–4200" not in named.text


def test_a_subsidy_answer_counts_the_general_support_for_centres_behind_a_button(
        sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    answer = say(engine, "伊金霍洛旗有什么补贴")
    assert "3600" in answer.text and "每生每年300元" in answer.text  # families', then the county's own
    assert "用电、用水" not in answer.text and "另有 6 项" in answer.text
    pressed = [b.data for r in answer.replies for row in r.buttons for b in row]
    assert pressed == ["policies:150627"]
    everything = say(engine, button="policies:150627")
    assert "用电、用水" in everything.text and "另有" not in everything.text
    private = say(engine, "那私立的呢")
    assert private.intent == "subsidy" and "10—20万元" in private.text


def test_subsidies_after_a_search_are_the_searched_countys(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "阿镇有普惠托育吗")
    answer = say(engine, "太贵了 有补贴不")
    assert answer.intent == "subsidy" and "伊金霍洛旗" in answer.text


def test_a_birth_year_alone_gives_that_years_figures_unless_they_changed_within_it(sample: tuple[Engine, Registry]
                                                                                 ) -> None:
    engine, _ = sample
    assert "158" in say(engine, "伊旗 宝宝2026年10月生 产假多少").text  # 伊旗 is 伊金霍洛旗, in 内蒙古
    say(engine, "江苏产假多少天，孩子2021年出生")
    later = say(engine, "那2023年生的呢")
    assert later.intent == "leave" and "158" in later.text and "128" not in later.text
    changed = say(engine, "四川呢 2025年生的")  # 四川 went from 158 to 188 days on 2025-11-28
    assert "出生日期" in changed.text


def test_the_nearest_one_is_the_nearest_of_any_kind_and_not_only_inclusive_widens(
        sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    at_homiao = say(engine, location=(39.599497, 109.767423))  # 禾苗 (not 普惠) is here; the list leads with 普惠
    assert registry.get(at_homiao.centres[0]).name.startswith("小星星")  # type: ignore[union-attr]
    nearest = say(engine, "最近那家电话")
    assert "0477-00009231" in nearest.text and "禾苗" in nearest.text
    assert "非普惠" in say(engine, "不一定要普惠 天骄社区附近").text


def test_the_minutes_after_an_emergency_stay_with_it_and_prevention_is_answered(
        sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    first = say(engine, "宝宝才50天 刚量体温38.6 吃奶也没劲 能不能先在家物理降温观察一下")
    assert first.intent == "guidance" and first.text.index("120") < 40
    hospital = say(engine, "我们在杭锦旗锡尼镇 最近的医院是哪个")
    assert hospital.text.index("120") < 40 and "急诊" in hospital.text and not hospital.centres
    waiting = say(engine, "算了我打了120 等车的时候要给她脱衣服降温吗")  # a carer undressing her: no 110, no 12356
    assert "110" not in waiting.text and "12356" not in waiting.text and "酒精" in waiting.text
    later = say(engine, "好了救护车拉走了 以后沙发边上咋弄防摔")
    assert later.intent == "guidance" and "12356" not in later.text and "120" not in later.text.splitlines()[0]


def test_a_listed_centre_named_inside_a_question_and_what_its_status_means(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "我们住锦绣社区 孙子一岁半 想找全日托")
    named = say(engine, "那个小星星早上几点能送过去晚上几点接还有位置吗")
    assert "07:45-17:45" in named.text and "14/55" in named.text and "没有在备案名录" not in named.text
    place = say(engine, "那我们在盐湖区府东街社区 有普惠托育吗")  # 府东街 is the place, not 府东街家庭托育点
    assert place.intent == "find_centre" and place.text.startswith("按“府东街社区”")
    fits = say(engine, "第二家收两岁以下的吗 我孩子20个月")
    assert "鸿晋" in fits.text and "6–36" in fits.text and "20个月的孩子可以收" in fits.text
    young = say(engine, "第一家呢 收不收 我孩子5个月")  # 河东小星 takes 18–36 months
    assert "河东小星" in young.text and "5个月的孩子还不到入托月龄" in young.text
    say(engine, "帮我查一下小脚丫托育园有没有备案 朋友推荐的 伊旗的")
    meaning = say(engine, "暂停服务是啥意思 那孩子还能送过去吗")
    assert "暂时不能送托" in meaning.text


def test_a_complaint_naming_a_centre_in_a_sentence_is_filed_against_it_with_a_plain_yes(
        sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    first = say(engine, "我要投诉小星星托育园乱收费")
    assert first.intent == "complaint" and first.text.index("12315") < first.text.index("12345")
    assert "联系" in say(engine, "需要").text  # the centre came with the complaint
    filed = say(engine, "不留了")
    assert "已登记" in filed.text and "小星星托育园" in filed.text


def test_a_county_answers_the_subsidy_question_even_with_a_town_in_it(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "托育有补贴吗")
    answer = say(engine, "伊金霍洛旗阿镇")
    assert answer.intent == "subsidy" and "伊金霍洛旗" in answer.text and not answer.centres


def test_a_community_worker_asking_for_posters_is_told_how_share_links_are_made(sample: tuple[Engine, Registry]
                                                                                ) -> None:
    engine, _ = sample
    answer = say(engine, "我是社区网格员 想要个你们的海报和二维码贴在小区里")
    assert answer.intent == "help" and "/poster" in answer.text and "卫生健康" in answer.text


def test_a_scald_gets_burn_first_aid_and_its_follow_up_the_paragraph_asked_about(
        sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    first = say(engine, "孩子把桌上的开水碰倒了 烫到胳膊和肚子 起了好几个大水泡 孩子10个月")
    assert first.text.index("120") < 40 and "凉水" in first.text
    asked = say(engine, "我婆婆说抹点牙膏或者酱油 能抹吗")
    assert asked.text.index("120") < 40 and "不要涂牙膏" in asked.text


def test_water_for_a_young_baby_is_no_medicine_question(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    answer = say(engine, "天太干了 4个月宝宝能喂点白开水吗")
    assert answer.intent == "guidance" and "不需要另外喂水" in answer.text and "剂量" not in answer.text


def test_a_caesarean_is_only_a_difficult_birth_when_said_so(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    asked = say(engine, "运城的 双胞胎2026年8月3号剖的 产假一共多少天 剖腹产算难产不")
    assert "173" in asked.text and "188" not in asked.text  # 98 + 15 (twins) + 60; 难产 only asked about
    said = say(engine, "医院说是难产")
    assert "188" in said.text
    taken_back = say(engine, "问了单位 剖腹产不算难产 那一共多少天")
    assert "173" in taken_back.text and "188" not in taken_back.text


def test_farther_is_beyond_the_circle_with_the_filters_said(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    say(engine, "我家双胞胎两岁两个月 住皇泽寺旁边 想一起送托")
    wider = say(engine, "那普惠的全日托有没有 远点也没事 我骑电动车")
    assert wider.intent == "find_centre" and "稍远一些" in wider.text and wider.centres
    for centre_id in wider.centres:
        centre = registry.get(centre_id)
        assert centre is not None and centre.inclusive and "full_day" in [m.value for m in centre.modes]
    say(engine, "远一点的也行")
    assert "全部列出" in say(engine, "还有吗 远一点的普惠的").text  # nothing more within 20 km


def test_a_guidance_question_follows_the_one_before(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "娃娃拉稀拉了一天了 水一样的 七个月")
    feeding = say(engine, "还能吃奶不")
    assert feeding.intent == "guidance" and "腹泻" in feeding.text and "母乳" in feeding.text


def test_an_english_question_finds_the_english_article(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    rash = say(engine, "my baby has a rash on her cheeks, what is it?")
    assert rash.intent == "guidance" and rash.text.startswith("Rashes in babies")


def test_a_case_asked_for_in_words_after_the_offer_has_passed_is_filed(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "彩虹桥托育中心突然关门了 我刚交了一年的学费一万多 老板电话也打不通了")
    say(engine, "怎么才能把钱要回来")
    filed = say(engine, "好的 帮我登记一下投诉 不留联系方式")  # the centre and the account were said already
    assert filed.intent == "complaint" and "已登记投诉案件" in filed.text and "彩虹桥" in filed.text


def test_a_passed_offer_is_filed_only_when_asked_for_in_words(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "彩虹桥托育中心突然关门了 我刚交了一年的学费一万多 老板电话也打不通了")
    say(engine, "怎么才能把钱要回来")
    thanks = say(engine, "好的")  # thanks, not a request to file
    assert "已登记投诉案件" not in thanks.text
    filed = say(engine, "帮我登记投诉吧 不留联系方式")
    assert "已登记投诉案件" in filed.text and "彩虹桥" in filed.text


def test_another_centre_after_a_subsidy_answer_gets_its_fee_and_whether_it_is_inclusive(
        sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "禾苗托育中心收费多少")
    assert say(engine, "有补贴吗").intent == "subsidy"
    other = say(engine, "那向日葵呢")
    assert other.intent == "subsidy" and other.centres == ("SAMPLE-150627-010",) and "普惠" in other.text
    assert say(engine, "怎么申请").intent == "subsidy"


def test_asking_whether_to_send_the_child_to_a_centre_searches(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "两岁的儿子脾气大 说他也不听 还咬人")
    where = say(engine, "要不要送托育园 让老师管管 我们在康和苑")  # not a complaint about a centre
    assert where.intent == "find_centre" and where.centres
    fees = say(engine, "贵不贵")
    assert "元/月" in fees.text


def test_a_name_two_places_share_is_settled_by_the_town_or_asked_with_the_choices(
        sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    found = say(engine, "阿镇团结社区附近有脱育园吗")  # 阿镇 is 阿勒腾席热镇, in 伊金霍洛旗
    assert found.intent == "find_centre" and found.centres
    asked = say(engine, "团结社区附近有托育吗", chat="8")
    assert "伊金霍洛旗的团结社区" in asked.text and "杭锦旗的团结社区" in asked.text  # the choices, on any channel
    picked = say(engine, "杭锦旗的", chat="8")
    assert picked.centres and all(c.startswith("SAMPLE-150625") for c in picked.centres[:1])


def test_what_to_do_now_and_a_pushed_dose_stay_with_the_alarm(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "My daughter came home from daycare with bruises all over her arms and she's terrified of her teacher")
    now = say(engine, "What should I do with her right now?")
    assert now.intent == "complaint" and "110" in now.text.splitlines()[0]
    say(engine, "10个月宝宝发烧38度5 美林吃多少毫升啊", chat="8")
    pushed = say(engine, "说明书看不懂 你就告诉我大概多少嘛 她9公斤", chat="8")
    assert pushed.intent == "guidance" and "医生" in pushed.text.splitlines()[0] and "毫升" not in pushed.text
    say(engine, "baobao 2 ge yue fa shao 39 du bu chi nai yi zhi shui", chat="9")  # pinyin: answered in Chinese
    hospital = say(engine, "yao bu yao qu yi yuan", chat="9")
    assert "120" in hospital.text.splitlines()[0] and "请" in hospital.text


def test_the_emergency_numbers_are_given_when_asked(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    numbers = say(engine, "what number is the ambulance in China?")
    assert numbers.intent == "help" and "120" in numbers.text and "110" in numbers.text


def test_a_shared_points_circle_narrows_by_the_age_said_next(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    say(engine, location=(35.0135, 110.981))
    narrowed = say(engine, "孩子才10个月")
    names = [registry.get(i).name for i in narrowed.centres]  # type: ignore[union-attr]
    assert narrowed.intent == "find_centre" and names and all(registry.get(i).takes_age(10) for i in narrowed.centres)  # type: ignore[union-attr]
    assert any("红旗" in n for n in names)  # the non-inclusive centre that takes 10-month-olds follows the 普惠 ones


def test_an_english_father_asking_his_own_leave_gets_no_alarm(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "how long is maternity leave in Inner Mongolia? my wife gave birth on January 20 2026")
    dad = say(engine, "and what about me? I'm the dad")
    assert dad.intent == "leave" and "25" in dad.text and "12356" not in dad.text


def test_on_the_way_to_hospital_a_question_about_reporting_the_carer_gets_110(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "I saw on the nanny cam that our babysitter shook my 5 month old baby hard. what should I do")
    say(engine, "she seems ok now but very sleepy and threw up once. do I still need a doctor?")
    report = say(engine, "ok we are going to the hospital. the babysitter is from an agency, where do I report her?")
    assert report.intent == "complaint" and "110" in report.text.splitlines()[0]


def test_leave_follow_ups_from_the_final_play_test(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "我在广州上班 10月1号生的 难产 产假一共多少天")
    assert "178" in say(engine, "我是剖腹产的 医院没写难产 那是多少").text  # 178, not 208 with 难产
    parental = say(engine, "育儿假是每年都有吗 我和老公都有？")
    assert parental.intent == "leave" and "育儿假" in parental.text and "陪产假" not in parental.text
    say(engine, "内蒙古产假多少天")
    assert "25" in say(engine, "那我呢 我也在这个厂上班").text  # the other parent's leave: the father's
    say(engine, "四川呢")
    not_there = say(engine, "不是四川 我们两个都在伊旗厂里上班 我有几天")
    assert "内蒙古" in not_there.text and "四川" not in not_there.text.splitlines()[0]


def test_a_seizure_gets_what_to_do_and_the_paragraph_on_the_mouth_when_asked(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    fit = say(engine, "孩子突然抽了 眼睛往上翻 嘴唇发紫 咋办")
    assert fit.text.startswith("这可能是紧急情况") and "抽搐" in fit.text
    mouth = say(engine, "要不要往嘴里塞东西防止咬舌头")
    assert "120" in mouth.text.splitlines()[0] and "不要往嘴里塞任何东西" in mouth.text


def test_what_to_do_now_returns_to_the_alarm_after_a_search_in_between(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    assert say(engine, "小星星托育园的老师掐我儿子 胳膊上都是青的").text.splitlines()[0].count("110") == 1
    assert say(engine, "伊金霍洛旗阿勒腾席热镇附近还有别的托育园吗 想换一家").intent == "find_centre"
    now = say(engine, "那我现在该干点啥")
    assert now.intent == "complaint" and "110" in now.text.splitlines()[0]
    assert "12356" not in now.text and "报警" in now.text


def test_the_cheapest_are_the_shown_centres_by_registered_fee_with_their_numbers(
        sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    listed = say(engine, "盐湖区西花园社区附近的托育园").centres
    cheapest = say(engine, "哪家最便宜")
    fees = [registry.get(i).lowest_fee for i in cheapest.centres]  # type: ignore[union-attr]
    known = [f for f in fees if f is not None]
    assert set(cheapest.centres) == set(listed) and known == sorted(known) and fees[:len(known)] == known
    first = registry.get(cheapest.centres[0])
    assert first is not None and f"{listed.index(first.id) + 1}. " in cheapest.text.splitlines()[1]
    assert first.phone in say(engine, "它电话多少").text


def test_a_place_inside_a_centres_name_with_a_search_searches(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    search = say(engine, "住盐湖区二郎庙社区 想找全日托")
    assert search.intent == "find_centre" and len(search.centres) > 1
    asked = say(engine, "盐湖区二郎庙社区托育点几点开门", chat="8")
    assert asked.intent == "check_centre" and "09:00" in asked.text


def test_a_new_guidance_question_after_another_gets_its_own_article_and_its_age_follow_up(
        sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "孩子发烧38度 怎么办")
    milk = say(engine, "8个月宝宝一天喝多少奶")
    assert milk.intent == "guidance" and "配方奶" in milk.text.splitlines()[0]
    younger = say(engine, "那要是3个月以下呢")
    assert younger.intent == "guidance" and "120" not in younger.text.splitlines()[0]
    english = say(engine, "how much milk should my 3 month old drink", chat="8")
    assert "Formula" in english.text and "感冒" not in english.text  # related titles in English too


def test_pharmacies_and_hospitals_are_not_in_the_register_and_no_centres_are_listed(
        sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    for text in ("伊金霍洛旗阿勒腾席热镇附近有药店吗", "附近有儿童医院吗", "is there a pharmacy near 天骄社区"):
        answer = say(engine, text)
        assert answer.intent == "unknown" and not answer.centres and "120" in answer.text
    assert say(engine, "医院附近有托育园吗 我在天骄社区").intent == "find_centre"


def test_follow_ups_in_traditional_characters_and_cantonese(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    listed = say(engine, "盐湖区西花园社区附近的托育园").centres
    first, second = registry.get(listed[0]), registry.get(listed[1])
    assert first is not None and second is not None
    assert first.phone in say(engine, "第一間電話幾多").text
    assert first.hours in say(engine, "佢幾點開門").text
    assert second.address in say(engine, "第二間喺邊度").text


# -- what the session-7 play-test found ------------------------------------------------------------------------
def test_after_a_swallowed_pill_waiting_and_the_hospital_stay_with_the_emergency(
        sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "儿子18个月了 还只会叫爸爸妈妈 正常吗")
    assert "120" in say(engine, "完了 他把他爷爷的降压药吃了一片 就是那个硝苯地平").text.splitlines()[0]
    for text in ("现在看着还挺精神的 要不要让他吐出来 还是等等看", "到底用不用去医院啊 降压药"):
        assert "120" in say(engine, text).text.splitlines()[0]


def test_what_number_after_a_battery_is_120_not_the_centre_asked_about_before(
        sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    listed = say(engine, "Looking for a daycare near 东城街道 盐湖区 for my 2 year old son").centres
    fourth = registry.get(listed[3])
    assert fourth is not None and fourth.phone in say(engine, "the 4th one, phone?").text
    say(engine, "my son just swallowed a button battery from the remote")
    again = say(engine, "should I make him throw up first? what number again")
    assert "120" in again.text.splitlines()[0] and fourth.phone not in again.text


def test_choking_first_aid_continues_while_waiting_and_a_cleared_airway_is_watched(
        sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "哎呀 宝宝刚才抓了块苹果塞嘴里 现在咳不出声 脸憋红了 喘不上气")
    waiting = say(engine, "已经打了120 等车这几分钟我该干嘛 要不要拍背").text
    assert "拍背" in waiting and "躺在" not in waiting
    cleared = say(engine, "好了好了 拍了几下吐出来了 哭出声了 现在正常玩了 还用去医院吗")
    assert cleared.intent == "guidance" and "医院" in cleared.text and "这可能是紧急情况" not in cleared.text


def test_back_from_hospital_the_question_that_follows_is_answered(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "孩子吞了个纽扣电池")
    back = say(engine, "从医院回来了 医生说没大事 虚惊一场 那四川产假多少天 宝宝是2025年11月20号生的")
    assert back.intent == "leave" and "158" in back.text


def test_after_fees_taken_which_number_is_about_fees_first(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "我们交了一年的学费 阿镇那个托育园老板跑路了 电话也打不通")
    which = say(engine, "那到底打12315还是12345 还是直接去派出所 几个家长一起去行不行")
    assert which.intent == "complaint" and "12315" in which.text.splitlines()[0]


def test_a_centre_named_in_two_pieces_is_found(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    hours = say(engine, "回到锡尼镇 小天使那家几点关门啊 周末开不开")
    assert hours.intent == "check_centre" and "08:00-18:00" in hours.text


def test_a_hot_body_is_a_fever_and_how_to_check_a_centre_checks_it(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    hot = say(engine, "宝宝两个月 身上烫 一直哭")
    assert "120" in hot.text.splitlines()[0] and "烫伤" not in hot.text
    checked = say(engine, "怎么查小星星托育园是不是正规备案的", chat="8")
    assert checked.intent == "check_centre" and "已备案" in checked.text.splitlines()[0]


def test_after_a_dose_question_cooling_a_fever_is_answered_and_a_pushed_dose_is_not(
        sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "孩子2岁发烧39度 美林吃多少")
    cooling = say(engine, "那物理降温怎么弄")
    assert cooling.intent == "guidance" and "发热" in cooling.text.splitlines()[0] and "剂量" not in cooling.text
    pushed = say(engine, "那到底吃几毫升")
    assert "医生" in pushed.text.splitlines()[0] and "毫升" not in pushed.text
    sponge = say(engine, "那用酒精擦行不行")
    assert sponge.intent == "guidance" and "发热" in sponge.text.splitlines()[0]


def test_a_centre_name_typed_with_a_homophone_is_that_centre(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    zhiyu = next(c for c in registry.snapshot().all() if c.name.startswith("知语"))
    checked = say(engine, "知雨托育中心备案了吗")
    assert checked.intent == "check_centre" and checked.centres == (zhiyu.id,)
    assert "知雨" in checked.text.splitlines()[0] and "已备案" in checked.text
    assert zhiyu.hours in say(engine, "它几点关门").text
    unknown = say(engine, "小心心托育园是正规的吗", chat="8")  # no centre sounds like it: suggestions only
    assert "没有完全匹配" in unknown.text


def test_a_listed_centre_called_by_the_kind_its_name_says(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    listed = say(engine, "阿勒腾席热镇天骄花园附近托育").centres
    named = {word: next(c for c in (registry.get(i) for i in listed) if c and word in c.name)
             for word in ("社区", "幼儿园", "家庭")}
    assert named["社区"].hours in say(engine, "社区那个几点开门").text
    assert f"{named['幼儿园'].min_age_months}–" in say(engine, "幼儿园那个收多大的").text
    phone = say(engine, "家庭的那家电话").text
    assert named["家庭"].phone in phone and named["社区"].phone not in phone


def test_despair_then_danger_now_gets_110_and_120_and_what_follows_stays_with_it(
        sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "我已经两个月没睡过整觉了 老公天天加班不管 有时候真想抱着孩子从楼上跳下去算了")
    now = say(engine, "12356打了占线 我现在抱着孩子在阳台上")
    assert now.intent == "guidance" and "110" in now.text.splitlines()[0] and "120" in now.text.splitlines()[0]
    still = say(engine, "我回屋了 孩子放床上了 就是心里难受 谁能帮帮我")
    assert "12356" in still.text and not still.centres
    search = say(engine, "我们在盐湖区 有没有临时托 让我白天能睡一觉")
    assert search.intent == "find_centre" and search.centres


def test_a_childs_mother_gone_is_no_loss_of_the_child(sample: tuple[Engine, Registry], subs: FakeSubscriptions) -> None:
    engine, _ = sample
    father = say(engine, "我是单亲爸爸，孩子妈妈走了，就我一个人带，孩子10个月。我在杭锦旗上班，我能休什么假吗")
    assert father.intent == "leave" and "流产" not in father.text


def test_speak_chinese_switches_back_and_a_subsidy_fee_is_a_scam(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "Hi, is there any daycare near 天骄花园?")
    assert "中文" in say(engine, "咋变英文了 说中文").text
    assert engine.conversations.load("tg:7").language == "zh"
    say(engine, "can I give her egg yolk and 酸奶 at 8 months? 会不会过敏", chat="9")
    assert "夜奶" in say(engine, "晚上睡觉老醒 8个月了 要不要断夜奶", chat="9").text.splitlines()[0]
    scam = say(engine, "有人打电话说交200手续费就能领托育补贴 我已经转了", chat="8")
    assert scam.intent == "complaint" and "诈骗" in scam.text.splitlines()[0] and "110" in scam.text.splitlines()[0]


def test_play_test_8_centre_follow_ups(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    by_name = {c.name: c for c in registry.snapshot().all()}
    say(engine, "你好 我 蒙古族 汉语 不好。孩子 2岁。杭锦旗 锡尼镇 托儿所 有吗")
    second = say(engine, "2号 多少钱 一个月")  # the second centre's fee, and "一个月" is no age
    listed = engine.conversations.load("tg:7").listed
    assert registry.get(listed[1]).fee_span in second.text and "24个月" not in second.text
    whole = say(engine, "育才幼儿园托班")
    assert whole.intent == "check_centre" and whole.centres == (by_name["育才幼儿园托班（示例）"].id,)
    say(engine, "锡尼镇呢 他爸妈在锡尼镇上班 要全天的 孙子一岁半", chat="8")
    boarding = say(engine, "小天使那个可以住宿吗 周一送周五接", chat="8")
    assert "锡尼镇小天使托育园" in boarding.text and "没有在备案名录" not in boarding.text
    assert "全日托" in boarding.text and "草原小马" not in boarding.text


def test_choking_told_by_its_signs_gets_the_choking_first_aid(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    choking = say(engine, "等一下 娃儿把花生米塞嘴里了 咳不出来 脸都憋红了")
    assert "120" in choking.text.splitlines()[0] and "噎" in choking.text


def test_after_harm_the_report_and_the_childs_care_stay_with_it(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "刚才给孩子洗澡 发现胳膊上好几块青的 孩子说是老师掐的")
    next_step = say(engine, "我是先去医院验伤还是先报警啊 明天还要不要送过去")
    assert next_step.intent == "complaint" and "110" in next_step.text.splitlines()[0] and "验伤" in next_step.text


def test_in_hospital_the_diagnosis_asked_about_gets_the_article_not_120_again(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "宝宝半夜烧到39度8 刚才抽了一下 眼睛往上翻 现在好像缓过来了")
    asked = say(engine, "到医院了 医生说是热性惊厥 以后还会不会再抽啊 下次抽的时候我该怎么做")
    first = asked.text.splitlines()[0]
    assert asked.intent == "guidance" and "发热" in first and "120" not in first
    egg = say(engine, "6个月宝宝辅食怎么加 先吃啥", chat="8") and say(engine, "鸡蛋能吃吗 会不会过敏", chat="8")
    assert egg.intent == "guidance" and "剂量" not in egg.text and "辅食" in egg.text


def test_a_head_injury_then_home_from_hospital_gets_what_to_watch_for(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    fall = say(engine, "孙女从床上掉下来了头先着地叫她也不怎么应 一直想睡觉还吐了一次")
    assert "120" in fall.text.splitlines()[0] and "摔到头" in fall.text
    assert "侧躺" in say(engine, "她又吐了 咋弄").text
    home = say(engine, "到医院了 医生说没大事 回家观察 这两天要注意啥")
    assert home.intent == "guidance" and "摔到头" in home.text.splitlines()[0]


def test_a_complaints_status_after_a_second_complaint_and_the_commission_asked_for(
        sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "东关宝贝托育中心太坑了！！一个月四千二还天天给孩子吃剩饭，老师态度也差，我要投诉")
    say(engine, "登记 电话不留")
    say(engine, "还有 他们还说不交下学期的钱就不让孩子来了 之前交的押金也不退 这合理吗")
    status = say(engine, "我的投诉咋样了 有人管没")
    assert status.intent == "complaint" and "已受理" in status.text
    commission = say(engine, "卫健委电话多少 我直接打过去")
    assert "12345" in commission.text and "0359-00001795" not in commission.text


def test_a_place_named_with_nearby_after_a_check_searches_there(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "还有个彩虹桥托育中心 我想给孩子换过去 它咋样")
    there = say(engine, "那文明路附近还有啥正常开的普惠的 孩子2岁半")
    assert there.intent == "find_centre" and "文明路" in there.text.splitlines()[0]


def test_play_test_8b_safety_follow_ups(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "等下 娃把他外婆的降压药瓶子打开了 嘴里有药 不知道吃了几颗")
    taken_out = say(engine, "嘴里的抠出来了 现在看着精神还行 还用去医院吗 是不是观察一下就好")
    assert "120" in taken_out.text.splitlines()[0] and "缓过来了就好" not in taken_out.text  # not choking's all-clear
    say(engine, "生完孩子两个月了 每天都在哭 老公不管 婆婆天天说我 我真的撑不下去了", chat="8")
    asked = say(engine, "我是说我可能产后抑郁了 妇幼保健院能看吗", chat="8")
    assert "12356" in asked.text and "阳台" not in asked.text and "产后情绪" in asked.text
    father = say(engine, "孩子妈妈生完孩子就走了 我一个人带 我能休什么假", chat="9")
    assert "流产" not in father.text and "慰问" not in father.text


def test_that_one_filed_is_the_centre_just_asked_about(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "我们娃儿一岁半咯 住起利州区凤凰山那哈 屋头附近有得托育所没得嘛")
    say(engine, "东坝宝贝那个好多钱一个月嘛 几点钟要去接")
    filed = say(engine, "要得 那个是不是正规备了案的哦 莫遭整到黑托育了")
    assert "东坝宝贝" in filed.text.splitlines()[0] and "已备案" in filed.text.splitlines()[0]


def test_during_an_emergency_a_dose_and_being_alone_stay_with_120(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    fall = say(engine, "哎呀孩子刚才从床上掉下来了头磕地上起了个大包哭了一阵现在老想睡觉还吐了一口")
    assert "摔到头" in fall.text
    say(engine, "他一直哭 给他吃点布洛芬止疼行吗 吃几毫升")
    alone = say(engine, "是不是不能让他睡觉 我一个人在家不敢打120 等他爸回来行不")
    assert alone.intent == "guidance" and "120" in alone.text.splitlines()[0] and "110" not in alone.text
    assert "打 120" in say(engine, "好好 我现在打120 跟他们怎么说").text


def test_a_case_asked_for_in_plain_words_and_no_contact_said_loosely(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "就是利州区那个将军桥托育中心 说有37个空位 我去问人家说满了 你们数据都是假的吧")
    asked = say(engine, "行 那你给我登记 投诉他们乱报空位 骗人白跑一趟")
    assert "联系" in asked.text
    filed = say(engine, "不留 赶紧的")
    assert filed.intent == "complaint" and "已登记" in filed.text
    where = answers.subscribe_in_bot("zh", None, wechat=False).text  # a console with no channel set up
    assert "微信公众号" in where and "Telegram" in where and "/stop" in where


def test_harm_told_during_an_emergency_still_gets_110(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "孩子从床上掉下来了 头先着地 一直想睡觉还吐了")
    told = say(engine, "保姆说是她没看住 其实是她使劲晃了孩子好几下 我看监控了")
    assert told.intent == "complaint" and "110" in told.text.splitlines()[0]


def test_the_whole_article_is_sent_when_asked_for(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    summary = say(engine, "宝宝发热了怎么办")
    assert "在家照顾" not in summary.text
    whole = say(engine, "说具体点")
    assert whole.intent == "guidance" and "在家照顾" in whole.text and "120" in whole.text
    say(engine, "what should I do when my baby has a fever", chat="8")
    assert "Caring at home" in say(engine, "full article", chat="8").text


def test_cheapest_in_the_search_itself_lists_by_fee(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    found = say(engine, "杭旗锡尼镇哪家托育最便宜 家里条件一般")
    fees = [registry.get(i).lowest_fee for i in found.centres]  # type: ignore[union-attr]
    known = [f for f in fees if f is not None]
    assert found.intent == "find_centre" and known == sorted(known) and fees[:len(known)] == known
    assert "从低到高" in found.text and "育才" in registry.get(found.centres[0]).name  # type: ignore[union-attr]
    ages = say(engine, "那家收一岁多的孩子不")  # the cheapest, which takes children from two
    assert ages.centres == found.centres[:1] and "满2岁起" in ages.text and "不到入托月龄" in ages.text


def test_is_it_inclusive_asks_about_the_centre_in_focus(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    listed = say(engine, location=(32.4414, 105.8137)).centres
    say(engine, "第一个收几个月的")
    answer = say(engine, "是普惠的不")
    assert answer.centres == listed[:1] and len(answer.text.splitlines()) == 1 and "普惠" in answer.text


def test_which_number_to_complain_to_is_never_the_centres_own(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    say(engine, "我要投诉 禾苗托育中心 乱收费 说好3500结果这个月收了4500")
    answer = say(engine, "打哪个电话投诉")
    centre = registry.get(answer.centres[0])
    assert answer.intent == "complaint" and "12315" in answer.text and centre is not None
    assert centre.phone not in answer.text


def test_a_new_region_with_another_leave_too_answers_both(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "内蒙古产假几天 孩子2026年11月20号刚生")
    answer = say(engine, "上海呢 陪产假也说下")
    assert answer.intent == "leave" and "158" in answer.text and "陪产假：10天" in answer.text


def test_childcare_for_the_other_child_is_found_during_an_emergency(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    assert "120" in say(engine, "孩子从沙发上摔下来 后脑勺着地 现在一直吐 叫他也不怎么有反应").text
    found = say(engine, "我得跟车去医院 家里老大2岁 锡尼镇有能临时托一下的地方吗")
    assert found.intent == "find_centre" and found.centres
    assert all(registry.get(i).district_code == "150625" for i in found.centres)  # type: ignore[union-attr]


def test_how_to_spot_a_scam_and_what_is_kept_are_answered(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    tips = say(engine, "以后怎么辨别是不是骗子")
    assert "备案" in tips.text and "110" in tips.text
    kept = say(engine, "那我的信息你们会删掉吗")
    assert kept.intent == "help" and "/forget" in kept.text


def test_a_centre_named_in_a_harm_report_by_its_own_name_only(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    report = say(engine, "今天接孩子发现胳膊上好几道红印子 问了半天说是老师掐的 托育园叫童趣时光 我现在手都在抖")
    assert report.text.startswith("孩子可能正受到伤害") and "童趣时光托育馆" in report.text


def test_a_first_spoonful_is_no_first_centre(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "啥时候加辅食")
    answer = say(engine, "第一口吃啥")
    assert answer.intent == "guidance" and "铁" in answer.text


def test_two_numbered_centres_compared_keep_their_numbers(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    listed = say(engine, "运城红旗西街社区附近 要全日托 孩子2岁").centres
    answer = say(engine, "第一家和第三家差多少钱")
    assert answer.centres == (listed[0], listed[2])
    assert answer.text.splitlines()[1].startswith("3. ")


def test_the_centre_in_focus_has_room_and_any_that_take_a_younger_child(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    listed = say(engine, location=(39.59586, 109.76449)).centres
    say(engine, "第一家收多大的")
    room = say(engine, "还有位置没")
    assert room.centres == listed[:1] and len(room.text.splitlines()) == 1
    younger = say(engine, "我家才1岁 那去不了啊 有收1岁的吗")
    takes = [registry.get(i) for i in younger.centres]
    assert takes and all(c is not None and (c.min_age_months or 0) <= 12 for c in takes)


def test_a_report_of_fraud_goes_on_when_the_centre_is_named_and_asked_about(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    scam = say(engine, "业主群有人说交3000块就能保证进普惠托育园 要转到他个人微信 还说名额紧张今天必须转")
    assert scam.text.startswith("这很可能是诈骗")
    named = say(engine, "他说他是知语托育中心的老师")  # no harm: the same report
    assert named.intent == "complaint" and "知语" in named.text and "孩子可能正受到伤害" not in named.text
    filed = say(engine, "知语托育中心正规吗 有备案没")
    assert filed.intent == "check_centre" and "已备案" in filed.text
    assert "1400" in say(engine, "知语正常一个月收多少").text


def test_a_dose_given_twice_is_a_medicine_alarm(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    answer = say(engine, "刚才奶奶又喂了一次退烧药 两次隔了不到一小时 会不会过量啊")
    assert answer.intent == "guidance" and "120" in answer.text.splitlines()[0]


def test_the_other_parent_and_a_colleagues_date_after_a_leave_answer(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    say(engine, "我在内蒙古鄂尔多斯上班，媳妇11月10号刚生的，我能请多少天陪产假")
    assert "产假：158天" in say(engine, "那她自己呢").text
    say(engine, "我在广元上班 宝宝是2025年10月20号生的 四川产假是多少天")
    assert "产假：188天" in say(engine, "我同事2025年12月5号生的 她说她有188天 咋跟我不一样").text


def test_an_employer_refusing_leave_gets_where_to_turn_first(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    refused = say(engine, "单位不给休陪产假怎么办")
    assert refused.intent == "leave" and "12333" in refused.text.splitlines()[0]
    assert "陪产假：25天" in say(engine, "内蒙古").text


def test_a_father_whose_partner_left_is_asked_about_his_leave_not_hers(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    answer = say(engine, "孩子妈妈走了 就我一个人带 孩子10个月 杭锦旗 我能休什么假")
    assert answer.intent == "leave" and "陪产假：25天" in answer.text and "育儿假" in answer.text


def test_a_centre_named_whole_during_a_leave_question(sample: tuple[Engine, Registry]) -> None:
    engine, registry = sample
    say(engine, "先帮我找个托育的 利州区女皇路这边")
    say(engine, "还是问产假 我在广元上班 娃是今年三月中旬生的")
    answer = say(engine, "好 那刚才女皇路社区托育点的电话再给我一下")
    centre = registry.get(answer.centres[0])
    assert centre is not None and centre.name.startswith("女皇路社区托育点") and centre.phone in answer.text


def test_the_service_named_in_one_word_is_a_search_and_an_unsure_reading_keeps_the_centre_named(
        sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    assert say(engine, "托育", chat="word").intent == "find_centre"
    say(engine, "就是利州区那个将军桥托育中心 说有37个空位 我去问人家说满了 你们数据都是假的吧", chat="unsure")
    asked = say(engine, "行 那你给我登记 投诉他们乱报空位", chat="unsure")
    assert "是哪家" not in asked.text  # the centre named before the question is the one
    filed = say(engine, "不留", chat="unsure").text
    assert "已登记" in filed and "将军桥" in filed


def test_a_rumour_about_an_unnamed_centre_asks_for_its_name(sample: tuple[Engine, Registry]) -> None:
    engine, _ = sample
    asked = say(engine, "听说那家托育园老师打孩子 真的假的 是哪家", chat="rumour")
    assert asked.intent == "check_centre" and "名称" in asked.text and "没有在备案名录中找到" not in asked.text
    assert "已备案" in say(engine, "小星星托育园", chat="rumour").text
