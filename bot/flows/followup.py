"""Follow-ups that refer back to the last answer: "第一家电话多少", "它收多少钱", "还有别的吗", "那锡尼镇呢",
"那我老公呢", "山西呢", "那要是3个月以下呢". Each resolves against the entities the state keeps, and is answered
briefly; None means the message is not a follow-up and goes on to the intent model.
"""

from __future__ import annotations

import re

from bot.conversations import Pending, State
from bot.flows import Context, centres, complaint, guidance, leave, safety, start, subsidy
from bot.replies import Message, Turn
from bot.slots import (
    COMPLAINT_WORDS,
    DENIED,
    QUESTION,
    chinese_number,
    find_age_months,
    find_babies,
    find_birth_order,
    find_child_age,
    find_date,
    find_mode,
    find_month,
    find_province,
    leave_asked,
    looks_english,
    mentions_difficult_birth,
    wants_cheapest,
    wants_inclusive,
    wants_vacancies,
)
from bot.understanding.safety import Alarm, word_alarms
from geodata.centre import Centre

ORDINAL = re.compile(r"倒数第\s*[一二三四五六七八九十\d]{1,2}\s*(?:家|个|所)?|中间(?:那|这)?(?:个|家|所)|"
                     r"第\s*([一二三四五六七八九十\d]{1,3})(?!\s*个?\s*[口次天步周年胎针顿户孩娃宝])\s*(家|个|所|间|条)?|头一(?:家|个|所)|最后(一|那|这)?(家|个)|"
                     r"\b(first|second|third|fourth|fifth|last)\b|\bno\.?\s*(\d)\b|#(\d)|\b(\d)(?:st|nd|rd|th)\b|"
                     r"(?<![\d月])([1-9])\s*号(?:的|那家|那个)?(?![楼线院街路门店])", re.I)
EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
PRONOUN = re.compile(r"它|佢|这家|那家|这个机构|那个机构|这所|那所|该机构|这里|那里|\bits?\b|\bthis one\b|\bthat one\b|"
                     r"\bthis (centre|center|place|nursery)\b|\bthat (centre|center|place|nursery)\b|\bthey\b", re.I)
# "最近那家电话": the nearest of the search, of any kind (the list itself puts 普惠 centres first).
NEAREST = re.compile(r"最近(?:的)?(?:那|这|一)?(?:家|个|所)|离我最近|离家最近|\b(?:the )?(?:nearest|closest)\b", re.I)
# What a parent asks about one centre; the first that matches is answered.
ATTRIBUTES = (
    ("phone", re.compile(r"电话|电化|号码|手机|联系方式|怎么联系|\bphone\b|\bnumber\b|\bcall\b|\bcontact\b", re.I)),
    ("fee", re.compile(r"多少钱|价\S{0,2}多少|(?:啥|什么)价|好多钱|几多钱|收费|费用|学费|价格|价钱|贵不贵|贵吗|"
                       r"(?:一个?|每)月\S?多少|收多少|月费|"
                       r"\bfees?\b|\bcost\b|\bprice\b|how much", re.I)),
    ("address", re.compile(r"地址|在哪|喺边度|在边度|在什么地方|位置在|\baddress\b|where is|located", re.I)),
    ("vacancies", re.compile(r"空位|名额|还收|满了|有位置|剩几个|几个位置|余位|\bvacanc|\bspaces?\b|\bspots?\b|"
                            r"places? (free|left)|free (places?|spots?)|any places", re.I)),
    ("hours", re.compile(r"几点|营业|开门|关门(?!了)|接送时间|开放时间|\bhours\b|\bopen(ing)?\b|\bclos(e|es|ing)\b",
                         re.I)),
    ("capacity", re.compile(r"托位|多少个?位置|收多少(个|名)?(孩子|人)|规模|\bcapacity\b|how (big|many children)",
                            re.I)),
    ("route", re.compile(r"怎么过去|怎么去|怎么走|咋走|咋去|导航|路线|\bdirections?\b|how (do i|to) get", re.I)),
    ("ages", re.compile(r"多大|几个月|几岁|年龄|月龄|收\S{0,4}(?:岁|个月)|收不收|能收吗|\bages?\b|how old", re.I)),
    ("modes", re.compile(r"全日托|半日托|计时|临时托|托育形式|全天|整天|一整天|半天|住宿|寄宿|过夜|周一送周五接|"
                         r"full.?day|half.?day|hourly|overnight|boarding", re.I)),
    ("inclusive", re.compile(r"普惠|\binclusive\b|\bsubsidi[sz]ed\b", re.I)),
    ("status", re.compile(r"暂停|撤销|注销|吊销|停业|关停|关门了|怎么关了|倒闭|停办|还能(?:送|去|上|报名)|什么状态|"
                          r"啥状态|\bstatus\b|\bsuspended\b|\brevoked\b|\bstill open\b", re.I)),
    ("filing", re.compile(r"备案|备的案|备了案|正规|合法|资质|\bfiled\b|\bregistered\b|\blicen[cs]ed\b", re.I)),
)
# Asked right after another topic, without "它": still the centre in focus ("最小收几个月的" after its subsidy).
FOCUS_FACTS = {"ages", "hours", "phone", "address", "vacancies"}
# Asked without "第几家/它": the centre in focus is meant.
EVERYDAY = {"phone", "fee", "address", "hours", "route", "status"}
MORE = re.compile(r"还有(别的|其他|其它|更多|没有别的)|还有(吗|嘛|没有|么)[?？]?$|再多?(来|看|找)几家|下一页|换一批|"
                  r"更多|其他的|其它的|\bmore\b|\bothers?\b|\banything else\b|\bnext\b", re.I)
# Ellipsis ("那锡尼镇呢") and corrections ("不对，是杭锦旗"): the same question with one thing changed.
CORRECTION = re.compile(r"^(哦|噢|喔|啊|额|呃|嗯|哎|不好意思|抱歉|sorry)?[，,\s]*"
                        r"(不对|不是|错了|搞错了|说错了|打错了|写错了|记错了|弄错了|看错了|我是说|我说的是|应该是|是在)",
                        re.I)
ELLIPSIS = re.compile(rf"呢|^那|^换|^改|what about|how about|what if|^and\b|^in\b|{CORRECTION.pattern}", re.I)
# "那托育呢", "补贴呢": back to a topic named in one word.
TOPIC_WORDS = (("find_centre", re.compile(r"(托育|托儿所|托班|日托)(机构|中心)?|nursery|daycare|childcare", re.I)),
               ("subsidy", re.compile(r"补贴|补助|subsid", re.I)),
               ("leave", re.compile(r"产假|陪产假|育儿假|护理假|哺乳假|\bleave\b", re.I)))
TOPIC_SWITCH = re.compile(r"^(那|那么|还有|再说说?|再问问?|说说)?\s*(.{1,5}?)\s*(呢|吧|的事|怎么样)?[?？。!！\s]*$")
DAYS_SAID = re.compile(r"\d+\s*(?:天|days)|几天|多少天|how many days", re.I)
MATERNITY_DAYS = re.compile(r"(?<!\d)(9[89]|1\d\d|2\d\d)\s*(天|days)", re.I)  # "158天" is the maternity leave
WHEN_ENDS = re.compile(r"什么时候(结束|到期|休完|上班|回去)|哪天(结束|上班|到期)|休到(哪天|几号|什么时候)|回去上班|"
                       r"\bwhen\b.*\b(end|finish|back to work)|end date", re.I)
CHILD_SAID = re.compile(r"孩子|宝宝|娃|孙子|孙女|外孙|闺女|儿子|女儿|"
                        r"\b(?:my|our) (?:son|daughter|baby|child|kid)\b", re.I)
# "找谁申请", "怎么领": how to apply for what was just listed.
APPLY = re.compile(r"申请|申领|怎么领|去哪领|找谁|哪里办|怎么办理|去哪办|\bapply\b|\bclaim\b", re.I)
# "远点也行": beyond the 15-minute circle.
FARTHER = re.compile(r"远(?:一)?点(?:的|也行|也可以|也没事|没关系|无所谓)|远一些|再远|走远点|远点儿|远一点|"
                     r"放宽|扩大范围|"
                     r"范围大一?点|(?:[2-6]\d|半个?小时|一个?小时)分?钟?(?:以内|之内|内)?(?:走路|步行|的路|能到)|"
                     r"(?:走路|步行|走)\s?(?:[2-6]\d\s?分钟|半个?小时)|"
                     r"骑(?:电动)?车|开车去|\bfarther\b|\bfurther (?:away|out)\b|don'?t mind (?:a )?(?:longer|further)",
                     re.I)
# "那它附近有别的吗": a search around the centre in focus.
AROUND_IT = re.compile(r"(?:附近|周边|旁边|周围)\S{0,6}(?:别的|其他|其它|还有)|(?:别的|其他|其它)\S{0,6}(?:附近|周边)|"
                       r"\b(?:others?|anything else) (?:near|around)\b", re.I)
# "那私立的呢", "民办的有吗": the same subsidy question, for other kinds of centres.
OTHER_CENTRES = re.compile(r"私立|民办|社会办|营利|非普惠|公办|企业办|单位办|private|for-profit", re.I)
# "收一岁的不", "能收两岁的吗": whether the centre in focus takes a child of that age.
# "有收1岁的吗", "哪家能收": a search among them, not a question about the centre in focus.
ANY_THAT_TAKES = re.compile(r"有(?:没有)?(?:能)?收|哪(?:家|个|些)\S{0,2}(?:能)?收|\bany (?:that|which) take", re.I)
ASKS_IT = re.compile(r"(?:没|吗|不|么|没有|嘛)[?？。]*$")
COMPARED = re.compile(r"便宜|贵|哪个|哪家|比较|区别|差别|\bcheaper\b|\bcompare\b", re.I)
# "府东街那家": a listed centre by a name part that is also a place, pointed at as a centre.
THAT_ONE = re.compile(r"那家|这家|那个|这个|那所|这所|\bthat one\b|\bthis one\b", re.I)
# "女皇路社区托育点的电话": a word of a centre's name; "凤凰山社区 就在…下头那一片": where a place lies; "有没有类似的".
CENTRE_WORD = re.compile(r"托育|托儿所|幼儿园|托班|园|中心|驿站|点")
WHERE_WORDS = re.compile(r"就在|在|那一?片|一带|那边|这边|附近|旁边|后头|后面|前头|前面|下头|下面|对面|边上|"
                         r"那里|这里|那儿|居委会|我们|我家|住|呢|啊|哦")
ALIKE = re.compile(r"类似的|一样的|同样的|也有吗|也有没有|有没有这种|\bthe same\b|\bsimilar\b", re.I)
# "是普惠的不", "算不算普惠": about the centre in focus, not "只要普惠的" (a narrower search).
IS_IT = re.compile(r"^(?:那|它|这家|那家)?(?:是不是|是|算不算|算|属不属于|属于)")
TAKES = re.compile(r"收\S{0,6}(?:不|吗|么|没)|能(?:去|上|送)\S{0,6}(?:不|吗|么|哪)|\b(?:take|accept)s?\b", re.I)
WHEN = re.compile(r"什么时候|啥时候|哪年|哪天|几时|多久了|\bwhen\b", re.I)  # "啥时候备案的": the centre in focus
ABOUT_THE_SERVICE = re.compile(r"托|附近|旁边|机构|备案|补贴|订阅|推送|投诉|举报|\b(?:nursery|daycare|centre|center)\b",
                           re.I)
# "Tell me more about the first one", "第二家详细说说": the details of the centre named by its place in the list.
DETAILS = re.compile(r"详细|具体|介绍|说说|讲讲|\btell me (?:more )?about\b|\bmore about\b|\bdetails?\b", re.I)
ME = re.compile(r"^(?:那)?我(?:呢|的呢|有几天|能休几天)|(?:^|\s)(?:and )?what about me\b", re.I)
# "那她自己呢" after the husband's leave: the other parent's.
THE_OTHER_PARENT = re.compile(r"^(?:那)?(?:她|他)(?:自己)?(?:呢|的呢|有几天|能休几天)|"
                              r"^(?:and |what about )(?:her|him)(?:self)?\b", re.I)
# "要交什么材料": what a complaint needs.
COMPLAINT_NEEDS = re.compile(r"材料|证据|证明|需要什么|要带什么|要准备|怎么写|留(?:我的)?(?:名字|姓名|电话)|匿名|实名|"
                             r"\bevidence\b|\bdocuments?\b", re.I)
# "社区那个", "幼儿园的那家": a listed centre called by the kind of place its name says.
DESCRIBED = re.compile(r"(社区|幼儿园|家庭|托班|驿站|托育园|托育中心|托儿所|早教)\S{0,2}(?:那|这)(?:个|家|所)")
# The authorities a parent reports to, asked for by name: never a listed centre's own phone.
AUTHORITY = re.compile(r"卫健委|卫健局|卫生健康|卫生局|市场监管|\bhealth commission\b|\bhealth bureau\b", re.I)
# "说具体点", "全文呢": the whole of the article just summed up.
WHOLE_ARTICLE = re.compile(r"全文|说具体|具体说|具体点|详细说|详细点|说详细|展开说|完整的|\bfull (?:article|text)\b|"
                           r"\bmore detail|\bread (?:it all|the whole)|\bwhole article\b", re.I)
SHORT = 20  # characters: longer messages are new questions, not ellipsis
SHORT_WORDS = 15  # the same in English words ("my baby is only 5 months old, which of these take babies that young?")
NAME_FILLER = re.compile(r"一个月|每个?月|一月|怎么样|多少|几|吗|呢|啊|的|孩子|宝宝|收|请问|是|有没有|有|"
                         r"[?？!！。,，\s]")
EVERY_LISTED = {"ages", "vacancies", "modes", "fee", "hours"}  # "收几个月的": each centre just shown
ONLY = re.compile(r"只要|有没有|有能|有哪|只看|只找|只想要|只需要|仅限|就要|哪家|哪几家|哪些|哪个|"
                  r"\bonly\b|\bjust\b|\bwhich\b", re.I)


def switches_topic(text: str) -> str | None:
    """"那托育呢": the intent of a topic named in a word or two, asked by ellipsis."""
    match = TOPIC_SWITCH.match(text.strip())
    if not match or not (match.group(1) or match.group(3)):
        return None
    return next((intent for intent, words in TOPIC_WORDS if words.fullmatch(match.group(2))), None)


def continues(state: State, text: str) -> bool:
    """A very short follow-up to the last answer: about a centre just shown ("这家收多大的孩子", "And the fees?"), or
    about the leave just discussed ("and for her?", "那我老公呢"). The classifier alone does not alarm on these;
    anything longer may be telling more, and keeps the classifier's say."""
    if len(text) > 12 and not (looks_english(text) and len(text.split()) <= 8):
        return False
    if (state.listed or state.centre_id) and (_asked(text) not in {None, "filing"} or _narrows(text)
                                               or (ORDINAL.search(text) and ELLIPSIS.search(text))):
        return True  # "这家收多大的孩子", "孩子才10个月", "and the second one?"
    about_leave = state.topic == "leave" or state.pending in {Pending.leave_region, Pending.leave_date}
    return about_leave and leave_asked(text) is not None


def searches_elsewhere(ctx: Context, state: State, text: str) -> bool:
    """"那金桂苑那边呢 想换一家": the last search at another place. The classifier alone does not alarm on it."""
    return bool(state.listed) and is_short(text) and bool(ELLIPSIS.search(text)) and bool(ctx.gazetteer.places_in(text))


def asks_about_a_named_centre(ctx: Context, text: str) -> bool:
    """"向日葵真正的电话是多少", "那刚才女皇路社区托育点的电话再给我一下": a fact asked about one filed centre named in
    the message (by its own part, or by its whole name when that holds a place)."""
    return _asked(text) not in {None, "filing"} and (len(centres.names_in(ctx, text)) == 1 or (
        is_short_question_about_a_centre(text) and len(centres.listed_by_whole_name(ctx, text, None)) == 1))


def is_short_question_about_a_centre(text: str) -> bool:
    return _asked(text) in FOCUS_FACTS | EVERYDAY and len(text) <= 2 * SHORT and bool(CENTRE_WORD.search(text))


def asks_about_listed(state: State, text: str) -> bool:
    """"那第二家电话多少", "它电话多少": a question about a centre listed or talked about earlier, even after another
    topic ("这家到底有没有备案" after a complaint about it)."""
    listed = bool(state.listed) and bool(ORDINAL.search(text) or NEAREST.search(text))
    pointed = bool(state.listed or state.centre_id) and bool(PRONOUN.search(text))
    focused = bool(state.centre_id) and _asked(text) in FOCUS_FACTS and not any(w.search(text) for _, w in TOPIC_WORDS)
    return (listed or pointed or focused) and bool(_asked(text)) and is_short(text)


def resolve(ctx: Context, state: State, message: Message, text: str, read_as: str | None = None) -> Turn | None:
    """The follow-up's answer, or None; `read_as` is the intent model's reading of the message."""
    named = _named_centre_question(ctx, state, text) or _a_centre_named_alone(ctx, state, text)
    if named:
        return named
    switched = switches_topic(text)
    if switched == "find_centre":
        return centres.find(ctx, state, message, "")
    if state.topic not in {"find_centre", "check_centre"} and searches_elsewhere(ctx, state, text):
        return centres.find(ctx, state, message, text)  # "那金桂苑那边呢 想换一家", after a report about the centre
    if state.topic in {"find_centre", "check_centre"} or asks_about_listed(state, text):
        return _about_centres(ctx, state, message, text)
    if is_short_question_about_a_centre(text) and not COMPLAINT_WORDS.search(text) \
            and (whole := centres.listed_by_whole_name(ctx, text, None)):
        # "好 那刚才女皇路社区托育点的电话再给我一下" during a leave question: that centre's phone
        return centres.centre_question(ctx, state, whole[0], _asked_all(text), "check_centre")
    if state.topic == "leave":
        return _about_leave(ctx, state, message, text)
    if state.topic == "subsidy" and is_short(text) and ELLIPSIS.search(text) \
            and len(said := centres.names_in(ctx, text)) == 1:  # "那向日葵呢": that centre's fee, and whether 普惠
        state.region_code = said[0].district_code
        return centres.centre_question(ctx, state, said[0], ["fee", "inclusive"], "subsidy")
    if state.topic == "subsidy" and is_short(text) and OTHER_CENTRES.search(text):
        return subsidy.subsidy(ctx, state, message, text + " 机构的补贴")
    if state.topic == "subsidy" and is_short(text) and (ELLIPSIS.search(text) or ALIKE.search(text)) \
            and not start.names_topic(text, "find_centre") and (find_province(text) or ctx.gazetteer.division_in(text)):
        # "那运城盐湖区呢", "我们杭锦旗有没有类似的": the same, elsewhere
        return subsidy.subsidy(ctx, state, message, text)
    if state.topic == "subsidy" and is_short(text) and APPLY.search(text):
        return subsidy.how_to_apply(ctx, state)
    complaining = state.topic in {"complaint", "safety:harm", "safety:fraud"}  # a complaint, or a report just made
    about = centres.names_in(ctx, text) if complaining and is_short(text) else []
    if len(about) == 1 and _asked_all(text) and not COMPLAINT_WORDS.search(text):
        # "知语托育中心正规吗 有备案没", "知语正常一个月收多少" after a report: what was asked about it
        return centres.centre_question(ctx, state, about[0], _asked_all(text), "check_centre")
    if len(about) == 1:  # "是格桑花托育中心 锡尼镇的": the centre the complaint is about
        return complaint.complaint(ctx, state, message, text, centre=about[0])
    if complaining and is_short(text) and COMPLAINT_NEEDS.search(text):
        return complaint.complaint(ctx, state, message, text)  # the answer says what to keep and bring
    if complaining and is_short(text) and not any(w.search(text) for _, w in TOPIC_WORDS) \
            and not start.names_topic(text, "find_centre") and (region := ctx.gazetteer.division_in(text)):
        state.region_code = region  # "在盐湖区": where to complain there
        return complaint.complaint(ctx, state, message, text)
    if state.topic == "guidance":
        return _about_guidance(ctx, state, message, text, read_as)
    return None


# -- centres ---------------------------------------------------------------------------------------------
def _named_centre_question(ctx: Context, state: State, text: str) -> Turn | None:
    """"蓝天幼儿园托班一个月多少钱": a question about a centre named outright, answered from the registry."""
    asked = _asked(text)
    if asked in {None, "filing"} or len(text) > 40 or COMPLAINT_WORDS.search(text):  # "备案了吗" is the check flow's
        return None
    name = NAME_FILLER.sub("", _without_attributes(text))
    if len(name) < 3:
        return None
    found = ctx.registry.search(name, limit=2)
    clear = found and found[0].score >= 90 and not (len(found) > 1 and found[1].score > found[0].score - 10)
    said = [found[0].centre] if clear else centres.names_in(ctx, text)  # "那小星星托育园一个月收多少钱 是普惠的不"
    if len(said) != 1:
        return None
    if start.names_topic(text, "find_centre") and centres.SAMPLE_MARK.sub("", said[0].name) not in text:
        return None  # "住盐湖区二郎庙社区 想找全日托": a place that a centre's name holds, and a search
    return centres.centre_question(ctx, state, said[0], _asked_all(text), "check_centre", find_age_months(text))


def _a_centre_named_alone(ctx: Context, state: State, text: str) -> Turn | None:
    """"育才幼儿园托班": a filed centre's whole name sent alone is that centre, not a place its name holds."""
    words = NAME_FILLER.sub("", text)
    if len(words) < 4 or len(words) > 16:
        return None
    whole = [c for c in (m.centre for m in ctx.registry.search(words, limit=3) if m.score >= 95)
             if centres.SAMPLE_MARK.sub("", c.name) in text]
    return centres.centre_detail(ctx, state, whole[0].id) if len(whole) == 1 else None


def _asked(text: str) -> str | None:
    return next((name for name, pattern in ATTRIBUTES if pattern.search(text)), None)


def _child_months(text: str) -> int | None:
    """The child's own age in a question about a centre: "它收两岁以下的吗 我孩子20个月" is 20, not 24."""
    said = CHILD_SAID.split(text)
    return find_age_months(said[-1]) if len(said) > 1 and find_age_months(said[-1]) is not None \
        else find_age_months(text)


def _asked_all(text: str) -> list[str]:
    """Everything asked about a centre, in the order of ATTRIBUTES ("电话和几点开门": phone, hours)."""
    return [name for name, pattern in ATTRIBUTES if pattern.search(text)]


def _about_centres(ctx: Context, state: State, message: Message, text: str) -> Turn | None:
    if any(words.search(text) for intent, words in TOPIC_WORDS if intent != "find_centre") \
            and not (ORDINAL.search(text) or PRONOUN.search(text) or NEAREST.search(text)):
        return None  # "居民问送普惠的有没有补贴": another topic, for the intent model
    if AUTHORITY.search(text) and not (ORDINAL.search(text) or PRONOUN.search(text)):
        return complaint.complaint(ctx, state, message, text)  # "卫健委电话多少": where to report, not the centre
    named = _named_among_listed(ctx, state, text)
    referred = named or _referred_centre(ctx, state, text)
    asked = _asked(text)
    explicit = bool(named or ORDINAL.search(text) or PRONOUN.search(text) or NEAREST.search(text))
    page = state.listed[max(0, state.shown - centres.PAGE):state.shown]
    searching = state.topic == "find_centre" and is_short(text)
    if COMPLAINT_WORDS.search(text) and referred is not None:
        # "这家说有空位，去了又说没有，我想投诉"; "打哪个电话投诉" is where to complain, not the centre's own phone
        return complaint.complaint(ctx, state, message, text, centre=referred)
    if FARTHER.search(text) and (state.place or state.listed):  # "有没有便宜点的 远点也行": beyond the circle
        return centres.farther(ctx, state, message, text)
    if searching and wants_inclusive(text) is False:  # "非普惠的也要看看": the same place, wider
        return centres.find(ctx, state, message, text)
    said = centres.names_in(ctx, text) if ELLIPSIS.search(text) and is_short(text) and not asked else []
    other = named or (said[0] if len(said) == 1 and not ORDINAL.search(text) and not PRONOUN.search(text) else None)
    if other is not None and ELLIPSIS.search(text) and is_short(text) and not asked:
        if state.asked:  # "那禾苗托育中心呢" after "小星星托育园几点关门": the same question
            return centres.centre_question(ctx, state, other, state.asked, _centre_topic(state))
        if state.topic == "check_centre":  # "运城盐湖区的东郊托育园呢": that centre's filing
            return centres.centre_detail(ctx, state, other.id)
    places = ctx.gazetteer.places_in(text) if is_short(text) and not explicit else []
    elsewhere = bool(places) and (ELLIPSIS.search(text) or safety.ANOTHER_FAMILY.search(text)
                                  or (state.topic == "find_centre" and (_narrows(text)
                                                                        or _only_where(ctx, text))))
    if elsewhere:  # "那锡尼镇呢", "不对，是杭锦旗", "不是锡尼镇 是阿镇": the same search elsewhere
        return centres.find(ctx, state, message, DENIED.sub("", text))
    both = _ordinals(state, text)
    if len(both) > 1 and (asked or COMPARED.search(text)):  # "第一家跟第二家哪个便宜": the same fact of each
        return centres.listed_question(ctx, state, both, asked or "fee", _centre_topic(state))
    if state.centre_id and referred is not None and asked == "ages" and TAKES.search(text) \
            and not ELLIPSIS.search(text) and not ANY_THAT_TAKES.search(text) and is_short(text):
        # "收一岁的不", just after "头一家多少钱"; not "有收1岁的吗", which asks for others
        return centres.centre_question(ctx, state, referred, ["ages"], _centre_topic(state),
                                       _child_months(text))
    if state.centre_id and referred is not None and asked == "filing" and WHEN.search(text) and is_short(text):
        return centres.centre_question(ctx, state, referred, ["filing"], _centre_topic(state), None)
    if wants_cheapest(text) and not explicit and state.listed and is_short(text):
        return centres.by_fee(ctx, state, _centre_topic(state))  # before 便宜 as 普惠
    if state.centre_id and referred is not None and asked == "inclusive" and IS_IT.match(text):
        return centres.centre_question(ctx, state, referred, ["inclusive"], _centre_topic(state))  # "是普惠的不"
    if state.centre_id and referred is not None and asked == "vacancies" and ASKS_IT.search(text) \
            and not ONLY.search(text) and "的" not in text and is_short(text):  # "还有位置没": the one in focus
        return centres.centre_question(ctx, state, referred, ["vacancies"], _centre_topic(state))
    if searching and not explicit and _narrows(text):  # "只要普惠的", "那要是2岁半呢": the same search, narrower
        return centres.refine(ctx, state, message, text)
    if asked in EVERY_LISTED and not explicit and state.centre_id is None and len(page) > 1 and is_short(text):
        return centres.listed_question(ctx, state, page, asked, _centre_topic(state))
    if referred is not None and (explicit or state.centre_id) and AROUND_IT.search(text) \
            and not ctx.gazetteer.places_in(text):  # "那它附近有别的普惠的吗", not "那文明路附近还有啥"
        centres.read_filters(state, text)
        return centres.find_at(ctx, state, referred.lat, referred.lon, place=None)
    if referred is not None and asked and (explicit or (asked in EVERYDAY | EVERY_LISTED and is_short(text))):
        return centres.centre_question(ctx, state, referred, _asked_all(text), _centre_topic(state),
                                       _child_months(text))
    if referred is not None and ORDINAL.search(text) and ELLIPSIS.search(text) and state.asked and is_short(text):
        return centres.centre_question(ctx, state, referred, state.asked, _centre_topic(state))  # "那第二家呢"
    if referred is not None and ORDINAL.search(text) and (len(text) <= 8 or DETAILS.search(text)):  # "第二家"
        return centres.centre_detail(ctx, state, referred.id)
    if searching and MORE.search(text) and not ORDINAL.search(text):
        return centres.next_page(ctx, state)
    return None


def _only_where(ctx: Context, text: str) -> bool:
    """"凤凰山社区 就在凤凰山公园下头那一片": a place and where it lies, nothing else (after a search: search there)."""
    return centres.only_a_place(ctx, WHERE_WORDS.sub("", text))


def _ordinals(state: State, text: str) -> list[str]:
    """Every listed centre a message numbers ("第一家跟第二家"), in the order said."""
    ids = []
    for match in ORDINAL.finditer(text):
        position = _ordinal(match.group(0), len(state.listed))
        if position is not None and 0 <= position < len(state.listed):
            ids.append(state.listed[position])
    return list(dict.fromkeys(ids))


def _centre_topic(state: State) -> str:
    """The intent of an answer about a listed centre: the search's or the check's, even right after another topic
    ("已经到医院了 刚才第二家电话多少" after an emergency)."""
    if state.topic in {"find_centre", "check_centre"}:
        return state.topic
    return "find_centre" if state.listed else "check_centre"


def _narrows(text: str) -> bool:
    """A new filter for the same search: "只要普惠的", "哪家有全日托", "有空位的呢", "孩子18个月", "那要是2岁半呢"."""
    filtered = bool(wants_inclusive(text) or find_mode(text) or wants_vacancies(text))
    aged = find_age_months(text) is not None
    return (filtered and bool(ONLY.search(text) or ELLIPSIS.search(text) or aged or len(text) <= 6)) \
        or (aged and (bool(ELLIPSIS.search(text) or TAKES.search(text) or ONLY.search(text)) or len(text) <= 10))


def _referred_centre(ctx: Context, state: State, text: str) -> Centre | None:
    if not state.listed and not state.centre_id:
        return None
    position = _ordinal(text, len(state.listed))
    if position is not None and 0 <= position < state.page_start and state.page_start + position < state.shown:
        position += state.page_start  # a later page numbers on (6., 7.), but "第二家" means its second
    if position is not None:
        chosen = state.listed[position] if 0 <= position < len(state.listed) else None
    elif NEAREST.search(text) and (state.nearby or state.listed):
        chosen = (state.nearby or state.listed)[0]
    else:
        chosen = state.centre_id or (state.listed[0] if state.listed else None)
    return ctx.registry.get(chosen) if chosen else None


def _named_among_listed(ctx: Context, state: State, text: str) -> Centre | None:
    """"育才那家电话多少": a listed centre called by part of its name (not by the words every name shares)."""
    shown = set(state.listed[:state.shown or None])
    said = [c for c in centres.names_in(ctx, text) if c.id in shown] \
        or (centres.listed_by_part(ctx, text, shown) if THAT_ONE.search(text) else []) \
        or centres.listed_by_whole_name(ctx, text, shown)  # "府东街家庭托育点一个月多少钱": a place in the name
    if len(said) == 1:  # "那个小星星早上几点能送过去": the name said inside a longer question
        return said[0]
    described = DESCRIBED.search(text)
    if described and state.listed:  # "社区那个几点开门": the one listed centre whose name says 社区
        hits = [c for c in (ctx.registry.get(i) for i in state.listed[:state.shown or None])
                if c is not None and described.group(1) in c.name]
        if len(hits) == 1:
            return hits[0]
    words = NAME_FILLER.sub("", PRONOUN.sub("", ORDINAL.sub("", _without_attributes(text))))
    words = centres.GENERIC_NAME_WORDS.sub("", words)
    if len(words) < 2 or not state.listed:
        return None
    hits = [c for c in (ctx.registry.get(i) for i in state.listed[:state.shown or None])
            if c is not None and words in centres.GENERIC_NAME_WORDS.sub("", c.name)]
    return hits[0] if len(hits) == 1 else None


def _without_attributes(text: str) -> str:
    for _, pattern in ATTRIBUTES:
        text = pattern.sub("", text)
    return text


def is_short(text: str) -> bool:
    """Short enough to be a follow-up: 20 characters, or 10 words of English."""
    return len(text) <= SHORT or (looks_english(text) and len(text.split()) <= SHORT_WORDS)


def _ordinal(text: str, count: int) -> int | None:
    match = ORDINAL.search(text)
    if not match:
        return None
    word = match.group(0).lower()
    if word.startswith("倒数"):  # "倒数第二家"
        number = chinese_number(re.sub(r"\D", "", word) or word[3:4])
        return None if number is None else count - number
    if word.startswith("中间"):  # "中间那个" of three
        return count // 2
    if word.startswith("最后") or "last" in word:
        return count - 1
    if word.startswith("头一"):  # "头一家", "头一个"
        return 0
    if match.group(1):
        number = chinese_number(match.group(1))
        return None if number is None else number - 1
    if match.group(5):
        return EN_ORDINALS[match.group(5).lower()] - 1
    digits = match.group(6) or match.group(7) or match.group(8) or match.group(9)
    return int(digits) - 1 if digits else None


# -- leave -----------------------------------------------------------------------------------------------
ALSO = re.compile(r"也(?:说|讲|问|要|一起|算)|顺便|一起说|\bas well\b|\btoo\b|\balso\b", re.I)


def _about_leave(ctx: Context, state: State, message: Message, text: str) -> Turn | None:
    corrects_date = bool(CORRECTION.search(text) and find_date(text, ctx.today()))  # "不对 写错了 孩子是…生的"
    # "我同事2025年12月5号生的 她说她有188天 咋跟我不一样": another date, with days said, after a leave answer
    another_date = state.topic == "leave" and bool(find_date(text, ctx.today()) and DAYS_SAID.search(text))
    if not is_short(text) and not ((corrects_date or another_date) and len(text) <= 2 * SHORT):
        return None
    named = leave_asked(text) or ("maternity" if MATERNITY_DAYS.search(text) else None)
    if leave.COUNTING.search(text):  # "是工作日还是自然日", "Are the 158 days working days?"
        return leave.how_counted(ctx, state, named or state.leave_ask)
    birth_detail = bool(find_babies(text) or find_birth_order(text) or mentions_difficult_birth(text))
    asked = named or ("maternity" if birth_detail else None)
    the_other = ME.search(text) or THE_OTHER_PARENT.search(text)  # "那我呢", "那她自己呢": the other parent's
    if not asked and the_other and state.leave_ask in {"maternity", "paternity"}:
        asked = "paternity" if state.leave_ask == "maternity" else "maternity"
    if WHEN_ENDS.search(text):  # "那我什么时候回去上班": the dates of the leave in question
        asked = asked or state.leave_ask or "maternity"
    new_region = find_province(text) is not None or ctx.gazetteer.division_in(text) is not None
    new_date = find_date(text, ctx.today()) is not None or find_month(text, ctx.today()) is not None
    if not (asked or ((new_region or new_date) and (ELLIPSIS.search(text) or len(text) <= 8))):
        return None
    if asked and named and ALSO.search(text) and state.leave_ask and named not in state.leave_ask.split(","):
        asked = f"{state.leave_ask},{named}"  # "上海呢 陪产假也说下": the leave asked before, and this one too
    if asked:
        state.leave_ask = asked
    elif corrects_date or (new_date and new_region):  # "不对 孩子是2025年10月3号生的", "四川呢 娃今年3月生的"
        state.leave_ask, state.pending = None, None
        return leave.leave(ctx, state, message, text)
    return leave.leave(ctx, state, message, text, brief=True)


# -- guidance --------------------------------------------------------------------------------------------
def _about_guidance(ctx: Context, state: State, message: Message, text: str, read_as: str | None) -> Turn | None:
    if state.guide_slug and WHOLE_ARTICLE.search(text) and is_short(text):
        return guidance.whole_article(ctx, state)  # "说具体点", "看全文"
    age = find_child_age(text)  # "那要是3个月以下呢": younger than three months
    if not is_short(text) or not state.guide_query:
        return None
    if age is None or not ELLIPSIS.search(text):
        asks_more = (ELLIPSIS.search(text) or guidance.names_a_topic(ctx, text)
                     or (read_as in {"guidance", "unknown"} and QUESTION.search(text))) \
            and not ORDINAL.search(text) \
            and not any(words.search(text) for _, words in TOPIC_WORDS) and not ABOUT_THE_SERVICE.search(text) \
            and not ctx.gazetteer.places_in(text)
        # "还能吃奶不" after the diarrhoea article: the same topic, this question
        return guidance.guidance(ctx, state, message, text, context=state.guide_query) if asks_more else None
    state.age_months = age
    kinds = word_alarms(state.guide_query, age)  # the same question may be an emergency at the new age
    if kinds:
        return safety.alarm(ctx, state, state.guide_query, Alarm(tuple(kinds), by_words=True))
    return guidance.guidance(ctx, state, message, state.guide_query, age_given=age)
