"""The dialogue engine: one message in, the intent and structured replies out. Channel-neutral.

The engine only routes. In order: commands and buttons; the safety layer (before everything else); a loss; an
answer to the question we asked; a follow-up to the last answer (bot/flows/followup.py); then the intent model,
which asks with buttons when it is unsure. Each topic's flow lives in bot/flows/, the domain answers (geodata,
content), and bot/answers.py words the result. Conversation state lives in the store, so every replica shares it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

from bot import answers, buttons
from bot.conversations import ConversationStore, Pending, State
from bot.flows import Context, Preset, Subscriptions, centres, complaint, followup, guidance, leave, safety, start
from bot.flows import cases as case_flow
from bot.flows import subscribe as subscribing
from bot.flows import subsidy as subsidies
from bot.replies import Message, Turn
from bot.slots import (
    COMPLAINT_WORDS,
    QUESTION,
    find_age_months,
    find_date,
    find_month,
    find_province,
    is_bad_date,
    is_loss,
    looks_chinese,
    looks_english,
    months_since_birth,
)
from bot.understanding import Heard, Understanding
from bot.understanding.corpus import SAFETY_INTENT
from bot.understanding.text import simplified
from content.guidance.library import Library
from geodata.gazetteer import Gazetteer
from geodata.geocode import Geocoder
from geodata.registry import Registry

__all__ = ["Engine", "Preset", "default_deep_links"]

MAX_TEXT = 2000  # longer messages are read only this far
NEW_TOPICS = {"find_centre", "check_centre", "leave", "subsidy", "subscribe", "unsubscribe"}
ASKED_ELSEWHERE = {"leave", "subsidy", "guidance", "complaint", "unsubscribe"}  # "对了，内蒙古产假几天" names no home
# A message that adds to the last one or goes on from it ("还有…", "那到底…"): when the model is unsure, the topic
# goes on.
ADDING = re.compile(r"那|还有|另外|而且|并且|再就是|\balso\b|\band another thing\b", re.I)
ASKS_WHICH_LEAVE = re.compile(r"休(?:什么|啥|几天|多少天|哪些|多久)的?假|(?:什么|啥|哪些)假(?!期|的)|能休几天", re.I)
CHILDCARE = re.compile(r"托|园|机构|附近|nursery|daycare|childcare|centre|center", re.I)
ASKS_FOR_CHINESE = re.compile(r"(?:说|用|讲|回|换成?|切换成?|改成?)\s*中文|中文回(?:复|答)")
SURE = 0.7  # a reading this sure starts a new topic even while we wait for an answer

Flow = Callable[[Context, State, Message, str], Turn]
FLOWS: dict[str, Flow] = {
    "find_centre": centres.find, "check_centre": centres.check, "leave": leave.leave,
    "guidance": guidance.guidance, "subsidy": subsidies.subsidy, "subscribe": subscribing.subscribe,
    "unsubscribe": subscribing.unsubscribe, "complaint": complaint.complaint, "help": start.help_,
}
# The flow that takes the answer to each question we ask.
WAITING: dict[Pending, Flow] = {
    Pending.find_place: centres.find, Pending.check_name: centres.check, Pending.leave_region: leave.leave,
    Pending.leave_date: leave.leave, Pending.subsidy_region: subsidies.subsidy,
    Pending.subscribe_consent: subscribing.subscribe, Pending.subscribe_date: subscribing.subscribe,
    Pending.subscribe_region: subscribing.subscribe,
}


def default_deep_links(payload: str) -> Preset | None:
    """r-150627 presets a region, x-<centre id> a centre; other payloads need the share-link table."""
    if len(payload) == 8 and payload.startswith("r-") and payload[2:].isdigit():
        return Preset(region_code=payload[2:])
    if payload.startswith("x-") and len(payload) > 2:
        return Preset(centre_id=payload[2:])
    return None


class Engine:
    def __init__(
        self,
        *,
        registry: Registry,
        conversations: ConversationStore,
        gazetteer: Gazetteer,
        geocoder: Geocoder,
        library: Library,
        subscriptions: Subscriptions | None = None,
        deep_links: Callable[[str], Preset | None] = default_deep_links,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        web_url: str = "",
        bot_username: str | None = None,
        understanding: Understanding | None = None,
        wechat: bool = False,
    ):
        self.conversations = conversations
        self.understanding = understanding or Understanding.shared()  # loaded now, at start-up
        self.ctx = Context(registry=registry, gazetteer=gazetteer, geocoder=geocoder, library=library,
                           subscriptions=subscriptions, deep_links=deep_links, clock=clock,
                           web_url=web_url.rstrip("/"), bot_username=bot_username, wechat=wechat)

    # -- entry points --------------------------------------------------------------------------------
    def language(self, session: str) -> str:
        return self.conversations.load(session).language

    def handle(self, session: str, message: Message) -> Turn:
        message = replace(message, text=message.text[:MAX_TEXT])
        with self.conversations.turn(session) as held:  # one row read and one written, on one connection
            turn = case_flow.intercept(self.ctx, session, held.state, message) or self._route(held.state, message)
            if turn.intent == "forgotten":
                case_flow.forget(self.ctx, session)
                held.forgotten = True
                return Turn("unsubscribe", turn.replies)
        return turn

    def today(self) -> date:
        return self.ctx.today()

    # -- routing -------------------------------------------------------------------------------------
    def _route(self, state: State, message: Message) -> Turn:
        if message.command:
            return self._command(state, message)
        if message.button:
            return self._button(state, message)
        if message.location:
            state.pending = None
            return centres.find_at(self.ctx, state, *message.location, place=None)
        text = message.text.strip()
        if not text:
            return Turn("unknown", (answers.not_understood(state.language),))
        switched = self._language_from(state, text)
        if switched:
            return switched
        age = find_age_months(text)
        if age is None:
            age = months_since_birth(text, self.today())  # "2026年9月出生的…现在发烧": under three months
        heard = self.understanding.read(text, age if age is not None else state.age_months)
        text = simplified(text)  # the flows read 繁体 ("第一間電話幾多") with the same words as simplified Chinese
        self._remember_place(state, text)
        loss = is_loss(text)
        # Safety first, before anything else. The classifier alone does not override a loss ("宝宝上个月走了") or a
        # short question about a centre just shown ("这家收多大的孩子"); words always raise the alarm.
        model_only_doubt = loss or followup.continues(state, text) or safety.following_up(self.ctx, state, text) \
            or safety.after_fraud(self.ctx, state, text, heard.alarm) \
            or followup.searches_elsewhere(self.ctx, state, text) or safety.care_after_medicine(self.ctx, state, text)
        if heard.alarm is not None and (heard.alarm.by_words or not model_only_doubt) \
                and not (heard.alarm.kind == "emergency" and safety.in_hospital_asking(self.ctx, state, text)):
            return safety.alarm(self.ctx, state, text, heard.alarm)
        if loss:  # "宝宝上个月走了" is a loss, not an emergency, unless its words say one
            return subscribing.loss(self.ctx, state, message, heard.intent == "leave" or "假" in text)
        if self._still_about_safety(state, text, heard):
            return safety.still(self.ctx, state, text)
        said, text = text, safety.past_the_emergency(state, text)
        if safety.watching_after(state, said, text):  # the first-aid article of what happened, for home
            return guidance.guidance(self.ctx, state, message, text, context=state.guide_query or "")
        if state.pending is None and subscribing.is_consent_word(text):  # "同意" with nothing to agree to
            return Turn("help", (answers.nothing_to_agree(state.language),))
        answered = self._answer_to_question(state, message, text, heard)
        if answered:
            return answered
        if subscribing.ASKS_TO_SUBSCRIBE.search(text) and heard.intent in {"subscribe", "leave", "guidance", "unknown"}:
            return subscribing.subscribe(self.ctx, state, message, text)  # "孩子出生后想按月龄收育儿知识 预产期…"
        return (followup.resolve(self.ctx, state, message, text, heard.intent)
                or self._intent(state, message, text, heard))

    def _remember_place(self, state: State, text: str) -> None:
        """A place named in any message ("我在锡尼镇…先说产假吧") is where a later "那托育呢" searches."""
        places = self.ctx.gazetteer.places_in(text)
        if len({(p.name, p.county_code) for p in places}) == 1 and state.pending is not Pending.find_place:
            county = self.ctx.gazetteer.county(places[0].county_code)
            state.place = places[0].name + (county.name if county and county.name not in places[0].name else "")

    def _still_about_safety(self, state: State, text: str, heard: Heard) -> bool:
        """After an alarm, and for a while only, a short message stays with it unless it clearly asks something
        else or answers the question set aside ("嗯" after despair stays; "2025-03-01" answers the leave question)."""
        if safety.following_up(self.ctx, state, text) and not safety.moved_on(state, text, heard.intent == "guidance") \
                and not (state.alarm_kind != "emergency" and followup.asks_about_listed(state, text)):  # "第三家电话"
            return True  # "120怎么打 要说啥", "最近的医院是哪个": still the emergency, however long
        if not safety.still_fresh(self.ctx, state) or not followup.is_short(text) or state.pending \
                or followup.asks_about_listed(state, text) or followup.searches_elsewhere(self.ctx, state, text) \
                or followup.asks_about_a_named_centre(self.ctx, text) \
                or safety.moved_on(state, text, self._asks_guidance_after_alarm(state, text, heard)) \
                or (state.paused and (find_date(text, self.today()) or find_province(text))):
            return False
        if heard.intent in NEW_TOPICS and heard.reading.probability >= 0.5:  # "She's ok now. Any childcare near…"
            return False
        return heard.reading.probability < SURE or heard.intent in {"unknown", "help", "guidance", "complaint"}

    def _asks_guidance_after_alarm(self, state: State, text: str, heard: Heard) -> bool:
        """A parenting question of its own after an alarm. After a medicine question, care without medicine ("那物理降温
        怎么弄") is one too, however unsure the model is about so short a message."""
        sure = heard.intent == "guidance" and heard.reading.probability >= SURE
        care = state.alarm_kind == "medicine" and heard.intent in {"guidance", "unknown"}
        return (sure or care) and bool(guidance.articles_for(self.ctx, text, find_age_months(text)))

    def _language_from(self, state: State, text: str) -> Turn | None:
        """"English" or "中文" typed alone switches; a message written in English is answered in English."""
        word = text.strip().lower().strip("。.!！ ")
        if word in {"english", "英文", "英语", "speak english", "in english"}:
            return start.switch_language(state, "en")
        asked_for = ASKS_FOR_CHINESE.search(word)
        if state.language == "en" and (word in {"中文", "汉语", "chinese", "in chinese", "speak chinese"}
                                       or (asked_for and len(word) - len(asked_for.group(0)) <= 8)):
            return start.switch_language(state, "zh")  # "中文", "咋变英文了 说中文"
        if looks_english(text):
            state.language = "en"
        elif state.language == "en" and looks_chinese(text):
            state.language = "zh"  # a question written in Chinese after one in English is answered in Chinese
        return None

    def _answer_to_question(self, state: State, message: Message, text: str, heard: Heard) -> Turn | None:
        """An answer to the question we asked wins over a weak reading of the words. A leave question set
        aside for another topic ("产假多少天" → "孩子发烧怎么办" → "山西") is taken up again by its answer."""
        if state.pending is Pending.which_intent:
            state.pending, state.held_text = None, None
            return None
        if state.pending is None and state.paused in {Pending.leave_region, Pending.leave_date} \
                and heard.reading.probability < SURE:
            state.pending, state.paused = state.paused, None
        pending = state.pending
        if pending is None:
            return subscribing.new_date(self.ctx, state, message, text)
        if pending is Pending.subscribe_consent:
            typed = subscribing.consent_answer(self.ctx, state, message, text)
            if typed:
                return typed
            if QUESTION.search(text) and not find_date(text, self.today()):
                # "新生儿访视是啥" before agreeing: answered; the consent question stays open. Read as a subscription,
                # a question here is about what comes next ("现在这个月龄该注意什么"): its second reading.
                # "家长自己怎么订阅" asks about subscribing itself: the consent question again.
                return self._intent(state, message, text, heard.runner_up()) \
                    if heard.intent == "subscribe" and not subscribing.ASKS_TO_SUBSCRIBE.search(text) else None
        to_subscribe = pending.flow != "subscribe" and subscribing.ASKS_TO_SUBSCRIBE.search(text) is not None
        sure = (heard.reading.probability >= SURE and heard.intent not in {"unknown", "help", pending.flow}) \
            or followup.switches_topic(text) not in {None, pending.flow} \
            or (pending.flow != "find_centre" and followup.asks_about_listed(state, text)) or to_subscribe \
            or followup.asks_about_a_named_centre(self.ctx, text)
        answers_it = {
            Pending.leave_region: lambda: bool(find_province(text) or self.ctx.gazetteer.division_in(text)
                                               or find_date(text, self.today()) or is_bad_date(text)),
            Pending.leave_date: lambda: bool(find_province(text) or find_date(text, self.today())
                                             or find_month(text, self.today()) or is_bad_date(text)),
            Pending.subscribe_date: lambda: bool(find_date(text, self.today()) or is_bad_date(text)),
            Pending.subsidy_region: lambda: heard.intent in {"subsidy", "find_centre", "unknown", "help"} and bool(
                find_province(text) or self.ctx.gazetteer.division_in(text)) and len(text) <= 20,
            Pending.subscribe_region: lambda: heard.intent not in ASKED_ELSEWHERE and bool(
                find_province(text) or self.ctx.gazetteer.division_in(text)),
        }.get(pending, lambda: False)()
        if answers_it and not to_subscribe:
            return WAITING[pending](self.ctx, state, message, text)
        if pending is Pending.subscribe_region:  # optional: "不用了" is fine, anything else is a new message
            state.pending = None
            return subscribing.region_declined(state, text) or subscribing.new_date(self.ctx, state, message, text)
        if sure:
            state.pending, state.paused = None, pending
            return None
        return WAITING[pending](self.ctx, state, message, text)

    def _intent(self, state: State, message: Message, text: str, heard: Heard) -> Turn:
        if start.NUMBERS_ASKED.search(text):
            return start.numbers(state)  # "急救电话多少"
        if start.DATA_ASKED.search(text) and heard.intent in {"help", "unknown", "unsubscribe", "subscribe"}:
            return start.data_kept(state)  # "那我的信息你们会删掉吗"
        if start.SPOTTING_SCAMS.search(text):
            return start.spotting_scams(state)  # "以后怎么辨别是不是骗子"
        if start.FOR_OUTREACH.search(text) and heard.intent not in {"leave", "guidance", "subsidy"} \
                and not (heard.intent == "complaint" and (not heard.unsure or COMPLAINT_WORDS.search(text))):
            return start.share_links(self.ctx, state)  # "社区要张贴的海报怎么弄", not "扫二维码交钱 是骗子吧"
        intent = heard.intent
        going_on = SAFETY_INTENT.get((state.topic or "").removeprefix("safety:"), state.topic)
        if heard.unsure and ADDING.match(text) and going_on in {heard.intent, heard.reading.runner_up}:
            intent = going_on  # "还有孩子午睡的时候没人看着": more of the complaint just made
        elif heard.unsure:
            intent = start.decided_by_words(text, heard) or (
                "guidance" if "guidance" in (heard.intent, heard.reading.runner_up)
                and guidance.names_a_topic(self.ctx, text) else "")
            if not intent:
                named = centres.named_centre(self.ctx, text)  # what a typed choice goes on about ("那给我登记投诉")
                state.centre_id = named.id if named else state.centre_id
                return start.which_intent(state, text, heard)
        if intent == "unknown" and start.names_topic(text, heard.reading.runner_up):
            intent = heard.reading.runner_up  # "…the babysitter is from an agency, where do I report her?"
        if intent == "check_centre" and COMPLAINT_WORDS.search(text):
            intent = "complaint"  # "我要投速向日葵托育园": a complaint that names the centre
        if intent == "complaint" and not COMPLAINT_WORDS.search(text) and start.names_topic(text, "find_centre"):
            intent = "find_centre"  # "要不要送托育园 让老师管管 我们在康和苑": where to send, not a complaint
        if intent == "find_centre" and heard.reading.runner_up == "guidance" \
                and guidance.names_a_topic(self.ctx, text) and not CHILDCARE.search(text):
            intent = "guidance"  # "0到6个月的都有哪些 喂养睡眠那种": articles for an age, no word of childcare
        if intent in {"guidance", "unknown", "help"} and ASKS_WHICH_LEAVE.search(text):
            intent = "leave"  # "孩子妈妈走了 就我一个人带 孩子10个月 杭锦旗 我能休什么假"
        if intent == "help" and guidance.names_a_topic(self.ctx, text):
            intent = "guidance"  # "麻腮风是免费的吗": a parenting topic named, not a question about the service
        if intent in {"find_centre", "unknown"} and start.asks_other_places(text):
            return start.other_places(state)  # "附近有药店吗"
        flow = FLOWS.get(intent)
        if flow is None:
            if find_age_months(text) is not None or guidance.names_a_topic(self.ctx, text):
                return guidance.guidance(self.ctx, state, message, text)  # "宝宝8个月了", "啥时候加辅食"
            return Turn("unknown", (answers.not_understood(state.language),))
        turn = flow(self.ctx, state, message, text)
        other = start.also_asked(text, heard, turn.intent)
        if other is None:
            return turn
        state.held_text = text[:500]  # "…顺便问下产假": the second topic is one tap away
        return replace(turn, replies=(*turn.replies, answers.also_asked(state.language, other)))

    def _command(self, state: State, message: Message) -> Turn:
        command, argument = message.command or "", message.argument.strip()
        state.pending = None
        if command == "start":
            if argument == "subscribe":  # the web page's "subscribe in the bot" link
                return subscribing.subscribe(self.ctx, state, message, "")
            return start.start(self.ctx, state, argument, message)
        if command == "language":
            return start.switch_language(state, "en" if state.language == "zh" else "zh")
        if command == "forget":
            return subscribing.forget(self.ctx, "", state, message)
        commands: dict[str, Flow] = {"stop": subscribing.unsubscribe, "subscribe": subscribing.subscribe,
                                     "nearby": centres.find, "leave": leave.leave, "guide": guidance.guidance}
        return commands.get(command, start.help_)(self.ctx, state, message, argument)

    def _button(self, state: State, message: Message) -> Turn:
        data = buttons.decode(message.button or "")
        lang = state.language
        match data:
            case buttons.More(lat, lon, offset, inclusive):
                state.inclusive_only = inclusive
                return centres.find_at(self.ctx, state, lat, lon, place=None, offset=offset)
            case buttons.At(lat, lon):
                return centres.find_at(self.ctx, state, lat, lon, place=None)
            case buttons.Centre(centre_id):
                return centres.centre_detail(self.ctx, state, centre_id)
            case buttons.Guide(slug):
                return guidance.article(self.ctx, state, slug)
            case buttons.Province(code):
                state.region_code = code
                return leave.leave(self.ctx, state, message, "")
            case buttons.Consent(True):
                state.consent = True
                return subscribing.subscribe(self.ctx, state, message, "")
            case buttons.Consent(False):
                return subscribing.declined(state)
            case buttons.Policies(region_code):
                return subsidies.all_policies(self.ctx, state, region_code)
            case buttons.Language(code):
                return start.switch_language(state, "en" if code == "en" else "zh")
            case buttons.Menu(intent) if intent in FLOWS:
                state.pending = None
                return FLOWS[intent](self.ctx, state, message, "")
            case buttons.Pick(intent) if intent in FLOWS:
                held, state.pending, state.held_text = state.held_text or "", None, None
                return FLOWS[intent](self.ctx, state, message, held)
        return Turn("unknown", (answers.not_understood(lang),))
