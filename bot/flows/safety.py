"""Replies to the safety layer's alarms: the action and the number first, then the help goes on."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import cast

from bot import answers
from bot.conversations import State
from bot.flows import Context, centres, complaint, guidance
from bot.replies import Message, Reply, Turn
from bot.understanding.corpus import SAFETY_INTENT
from bot.understanding.safety import Alarm, word_alarms
from content.guidance.model import Topic

# Harm at a childcare centre (its teachers, its carers) is also reported to the commission that holds its filing.
ABOUT_A_CENTRE = re.compile(r"托育|托儿|托班|幼儿园|早教|园长|老师|保育员|机构|daycare|nursery|centre|center|teacher",
                            re.I)


STILL_FOR = timedelta(minutes=30)
# After an emergency: calling 120, the hospital, the wait ("120怎么打 要说啥", "最近的医院是哪个", "等车时要…吗").
EMERGENCY_NEXT = re.compile(r"120|救护车|急救车|医院|急诊|等车|叫车|打车|怎么打|说啥|说什么|降温|路上|催吐|吐出来|"
                            r"等等看|等一等|再看看|观察一下|拍背|怎么说|"
                            r"ambulance|hospital|what (?:do|should) i (?:say|tell)|while (?:we )?wait|"
                            r"\b(?:make|made) (?:her|him|them|the baby) (?:vomit|throw up|sick)|induce vomit|"
                            r"what number|\byi ?yuan\b|\bji ?zhen\b|\bjiu ?hu ?che\b", re.I)
# After any alarm: what to do now, or while waiting for the police.
NOW_WHAT = re.compile(r"(?:现在|这会儿?|眼下|等\S{0,4}(?:警察|民警|他们)\S{0,4}(?:来)?\S{0,3}(?:之前|的时候)?)\S{0,6}"
                      r"(?:该|要|能|可以)?(?:干|做|怎么办)(?:点)?(?:啥|什么)?|"
                      r"(?:还|接下来|然后|下一步)\S{0,2}(?:要|该|能|得)(?:做|干)(?:点)?(?:什么|啥)|"
                      r"\bwhat (?:should|do|can) (?:i|we) do\b.{0,24}\b(?:now|meantime|with (?:her|him|them))\b|"
                      r"\bin the meantime\b", re.I)
# After despair: the feeling told again, or help asked for ("就是心里难受 谁能帮帮我").
DISTRESS_NEXT = re.compile(r"难受|帮帮我|谁能帮|没人(?:帮|管|理)|撑不住|想哭|害怕|怕自己|占线|打不通|没人接|"
                           r"\bhelp me\b|\bno one\b|\bbusy\b", re.I)
# While waiting for 120, the child vomiting ("她又吐了 咋弄"): on the side, the mouth cleared.
VOMITING = re.compile(r"(?<!不)(?<!没)吐了|又吐|呕吐|一直吐|\bvomit|\bthrow(?:ing)? up|\bthrew up", re.I)
# What to watch for at home, once the emergency is in doctors' hands.
WATCH = re.compile(r"注意(?:啥|什么|哪些|点啥)|观察(?:啥|什么|哪些)|要注意|留意(?:啥|什么)|"
                   r"\bwhat (?:should|do|to) (?:we |i )?(?:watch|look out|keep an eye)", re.I)
# Money asked for a subsidy or a place, or paid to someone now gone: a scam, the police first.
SCAM = re.compile(r"(?:补贴|补助|托位|名额|位置)\S{0,16}"
                  r"(?:手续费|服务费|保证金|审核费|激活费|先交|先付|转账|验证码|银行卡)|"
                  r"(?:手续费|服务费|保证金|审核费|先交|转账)\S{0,16}(?:补贴|补助)|验证码|银行卡号|安全账户|"
                  r"定金\S{0,10}保证|保证\S{0,6}(?:有位|有名额|入园|进)|拉黑|(?:转|打|付)(?:到|给)\S{0,2}(?:他|她)?(?:的)?个人|"
                  r"私人(?:账户|微信|卡)|"
                  r"\b(?:fee|pay)\b.{0,30}\bsubsid|\bsubsid\w*\b.{0,30}\b(?:fee|pay|transfer)\b|\bblocked me\b", re.I)
# After despair, danger now: a high place, the line busy ("12356打了占线 我现在抱着孩子在阳台上").
DANGER_NOW = re.compile(r"阳台|窗(?:边|台|户|口)|楼顶|天台|楼上|桥上|河边|占线|打不通|没人接|"
                        r"\bbalcony\b|\broof\b|\bbusy\b", re.I)
# After harm: the report and the child's care next ("先去医院验伤还是先报警", "明天还要不要送过去").
HARM_NEXT = re.compile(r"验伤|报警|报案|警察|派出所|证据|监控|还(?:要|能)?\S{0,3}送|要不要送|送不送|"
                       r"\bpolice\b|\bevidence\b|\bdocument\w*\b.{0,20}\binjur", re.I)
# After a medicine question: the amount asked again ("你就告诉我大概多少嘛 她9公斤").
AMOUNT_PUSHED = re.compile(r"多少(?!度|天|岁|个月|钱)|几毫升|几ml|几片|几滴|剂量|(?:大概|大约|大致|个)的?量|"
                           r"\bhow much\b|\bhow many\b|\bdose\b",
                           re.I)  # not "发烧到多少度要去医院"
# The emergency is in hands ("已经到医院了", "送医院了"): what else the message asks is answered.
# Someone to mind the other children while the parent goes to hospital: a search, answered during the emergency.
CARE_FOR_THE_OTHERS = re.compile(r"临时托|计时托|(?:能|可以|帮忙)\S{0,3}托一?下|托(?:一下|几个小时|半天)|"
                                 r"\b(?:drop[- ]in|emergency) (?:childcare|daycare)\b", re.I)
CHILDCARE_SEARCH = re.compile(r"(?:附近|周边|旁边|这边|那边)\S{0,4}(?:的)?(?:托育|托儿所|托班|日托)|"
                              r"(?:托育|托儿所|托班|日托)\S{0,4}(?:有哪|有没有|有吗|哪家|推荐)|"
                              r"\b(?:daycare|nursery|childcare)\b.{0,20}\bnear\b", re.I)
HANDLED = re.compile(r"(?:已经|已)\S{0,6}(?:到|送|进|在|去)\S{0,2}医院|(?:到|送|进)了?医院了|在医院了|送医了|"
                     r"从医院回来了?|医生说没(?:大|啥)?事|虚惊一场|"
                     r"(?:在)?去医院的路上|救护车(?:来了|拉走了|接走了|到了)|医生(?:看过|在看)了|"
                     r"(?:去|到)医院看(?:了|过)|看过医生了?|(?:医生|大夫)看了|(?:^|\s)车(?:来了|到了)|上(?:了)?救护车|"
                     r"(?:we'?re|we are|she'?s|he'?s) (?:at|in) (?:the )?hospital|ambulance (?:came|took)|"
                     r"(?:going|on (?:our|the) way|heading|driving) to (?:the )?hospital", re.I)
# The danger passed at home ("拍了几下吐出来了 哭出声了 还用去医院吗"): what to watch for, and when to go.
RESOLVED = re.compile(r"(?:吐|咳|抠)出来了|哭出(?:声|来)了|正常玩了|缓过来了|醒过来了|"
                      r"\b(?:coughed|spat) it (?:up|out)\b|\b(?:is|seems) (?:ok|okay|fine) now\b", re.I)
SETTLED = re.compile(r"^[\s，,。]*(?:(?:医生|大夫)说)?(?:现在)?"
                     r"(?:没事了|没事|没得事|没啥事|没大事|好了|好多了|稳定了|醒了)[\s，,。]*")
# "另一户问…", "下一户新华社区": a community worker asking for the next family.
ANOTHER_FAMILY = re.compile(r"下一户|另一户|还有一户|另外一户|另一家人|下一家人|\bnext family\b|\banother family\b",
                            re.I)
# What to do later, not now: prevention is answered as guidance.
LATER = re.compile(r"以后|下次|平时|预防|怎么防|咋防|防摔|防烫|防噎|next time|in (?:the )?future|prevent", re.I)
# "我没事 就是想问…": a parent who says they are all right and asks something else is answered.
MOVED_ON = re.compile(r"我没事|我还好|我挺好|没那么严重|就是想问|只是想问|想问一下|说正事|不是(?:问)?药|"
                      r"i'?m (?:fine|ok|okay|alright)|just (?:want|wanted) to ask", re.I)


def alarm(ctx: Context, state: State, text: str, found: Alarm) -> Turn:
    lang = state.language
    state.pending, state.paused = None, state.pending or state.paused  # the question waits until safety is dealt with
    if state.alarm_kind == "distress" and _recent(ctx, state) and found.kind in {"harm", "distress"}:
        return _distress_again(ctx, state, text)
    if state.alarm_kind == "emergency" and _recent(ctx, state) and found.kinds == ("harm",) \
            and "harm" not in word_alarms(text) and EMERGENCY_NEXT.search(text):
        return still(ctx, state, text)  # "我一个人在家不敢打120 等他爸回来行不": the emergency, not neglect
    scam = found.kind == "fraud" and SCAM.search(text) is not None
    replies: list[Reply] = [answers.scam(lang) if scam else answers.safety_first_line(lang, found.kinds)]
    if found.kind == "harm" and ABOUT_A_CENTRE.search(text):
        # Where to report the centre, with its filing if the message names one.
        replies.extend(complaint.complaint(ctx, state, message=Message(), text=text, about="harm").replies)
    elif found.kind == "harm":  # at home, in the street, a child missing: the police, not a centre's complaint line
        replies.append(answers.harm_elsewhere(lang))
    elif found.kind == "fraud":
        replies.extend(complaint.complaint(ctx, state, message=Message(), text=text, about="fees").replies)
    elif found.kind == "emergency":
        replies.extend(guidance.first_aid(ctx, state, text))
    elif found.kind == "medicine":
        replies.append(answers.medicine(lang))
    elif found.kind == "distress":
        replies.append(answers.crisis(lang))
    # the next short message stays with this, not a new topic; a dose asked during an emergency ("给他吃点布洛芬
    # 行吗" after a fall on the head) leaves the emergency the alarm to come back to
    kind = "emergency" if found.kind == "medicine" and state.alarm_kind == "emergency" and _recent(ctx, state) \
        else found.kind
    state.topic, state.alarm_at, state.alarm_kind = f"safety:{kind}", ctx.clock().isoformat(), kind
    return Turn(SAFETY_INTENT[found.kind], tuple(replies))


def _distress_again(ctx: Context, state: State, text: str) -> Turn:
    """Despair told again minutes after the crisis reply: danger now ("12356打了占线 我现在抱着孩子在阳台上") gets
    110/120 first; otherwise the shorter reminder, and the parents' article a question asks for ("我可能产后抑郁了
    妇幼保健院能看吗"), not the whole crisis reply again."""
    lang = state.language
    state.topic, state.alarm_at = "safety:distress", ctx.clock().isoformat()
    if DANGER_NOW.search(text):
        return Turn(SAFETY_INTENT["distress"], (answers.crisis_now(lang),))
    replies = [answers.safety_still(lang, "distress")]
    found = [a for a in guidance.articles_for(ctx, text, None)[:1] if Topic.parents in a.topics]
    if found:
        item = guidance.localised(ctx, found[0].slug, lang)
        replies.extend(answers.article(lang, item, ctx.web_url, item.passage_about(text)))
    return Turn(SAFETY_INTENT["distress"], tuple(replies))


def still_fresh(ctx: Context, state: State) -> bool:
    """An alarm holds the next short messages while it is the topic, for STILL_FOR only: a parent back hours later
    starts afresh."""
    return (state.topic or "").startswith("safety:") and _recent(ctx, state)


def _recent(ctx: Context, state: State) -> bool:
    return bool(state.alarm_at and state.alarm_kind) \
        and ctx.clock() - datetime.fromisoformat(state.alarm_at or "") <= STILL_FOR


def moved_on(state: State, text: str, asks_guidance: bool) -> bool:
    """After any alarm but an emergency, a parent who says they are all right ("我没事 就是想问…"), or asks a
    parenting question, is answered: the number was given. A question about later ("以后沙发边上咋弄防摔") is
    answered after any alarm, and so is a community worker's next family. Otherwise, short messages stay with it."""
    if asks_guidance and LATER.search(text):
        return True
    if _in_hands_and_asking(text) or ANOTHER_FAMILY.search(text):
        return True  # "已经送到医院了。刚才第一家的电话发我", "另一户问…" (a community worker's next family)
    if state.alarm_kind == "emergency" or NOW_WHAT.search(text):  # part of it: "现在该干点啥"
        return False
    if state.alarm_kind == "medicine" and AMOUNT_PUSHED.search(text):  # "你就告诉我大概多少嘛": still no dose
        return False
    if (state.alarm_kind == "distress" and DISTRESS_NEXT.search(text)) \
            or (state.alarm_kind == "harm" and HARM_NEXT.search(text)):  # "谁能帮帮我", "先验伤还是先报警"
        return False
    return bool(MOVED_ON.search(text)) or asks_guidance


def _in_hands_and_asking(text: str) -> bool:
    """"已经到医院了。阿勒腾席热镇附近托育有哪些": the emergency is in hands, and the message asks something else."""
    handled = HANDLED.search(text)
    if CARE_FOR_THE_OTHERS.search(text) or CHILDCARE_SEARCH.search(text):
        return True  # "我得跟车去医院 家里老大2岁 锡尼镇有能临时托一下的地方吗", "以后想送托 和谐家园附近托育有哪些"
    return handled is not None and len(text) - len(handled.group(0)) >= 6


def care_after_medicine(ctx: Context, state: State, text: str) -> bool:
    """"那物理降温可以吗 用酒精擦行不行" just after a dose question: care without a medicine named or an amount
    pushed; the classifier alone raises no new medicine alarm on it."""
    return state.alarm_kind == "medicine" and _recent(ctx, state) and not AMOUNT_PUSHED.search(text)


def in_hospital_asking(ctx: Context, state: State, text: str) -> bool:
    """"到医院了 医生说是热性惊厥 下次抽的时候我该怎么做": after an emergency, in doctors' hands, a question follows;
    the words of the diagnosis raise no new alarm."""
    return state.alarm_kind == "emergency" and _recent(ctx, state) and _in_hands_and_asking(text)


def watching_after(state: State, said: str, left: str) -> bool:
    """"到医院了 医生说没大事 回家观察 这两天要注意啥": in doctors' hands, what to watch for at home."""
    return (state.topic or "") == "safety:emergency" and said != left and WATCH.search(left) is not None


def past_the_emergency(state: State, text: str) -> str:
    """"救护车来了 没事了 刚才列表第一家电话多少" → "刚才列表第一家电话多少": once the emergency is in hands, what the
    message goes on to ask."""
    if (state.topic or "") != "safety:emergency" or not _in_hands_and_asking(text):
        return text
    return SETTLED.sub("", HANDLED.sub("", text)).strip(" ，,。.!！、")


def following_up(ctx: Context, state: State, text: str) -> bool:
    """In the minutes after an alarm, what belongs to it: after an emergency, how to call 120, which hospital, what
    to do while waiting, or what comes later; after any alarm, what to do now ("等警察来之前我们要干点啥"); after a
    medicine question, a push for the amount ("你就告诉我大概多少嘛"). The classifier alone raises no new alarm on
    these. This holds even when a question about a centre came in between ("这家备案了吗" → "现在该怎么办")."""
    kind = state.alarm_kind
    if not _recent(ctx, state):
        return False
    if kind == "emergency" and (_in_hands_and_asking(text) or EMERGENCY_NEXT.search(text) or LATER.search(text)):
        return True
    return bool(NOW_WHAT.search(text) or (kind == "medicine" and AMOUNT_PUSHED.search(text))
                or (kind == "distress" and DISTRESS_NEXT.search(text)) or (kind == "harm" and HARM_NEXT.search(text)))


def after_fraud(ctx: Context, state: State, text: str, found: Alarm | None) -> bool:
    """Minutes after a fee-fraud report, a short message the classifier alone reads as another kind ("他说他是知语托育
    中心的老师") goes on with the report."""
    return found is not None and state.alarm_kind == "fraud" and found.kind != "fraud" and _recent(ctx, state) \
        and len(text) <= 20


def still(ctx: Context, state: State, text: str = "") -> Turn:
    """A short message after an alarm ("我要报警吗", "现在停了", "没人帮我"): the action and the number again; after
    an emergency, how to call 120, where to go and what to do while waiting, when that is asked, and the first-aid
    paragraph a question asks about ("能抹牙膏吗")."""
    kind = cast(str, state.alarm_kind)  # set whenever an alarm is recent
    state.topic = f"safety:{kind}"  # back with the alarm
    if kind == "emergency" and HANDLED.search(text):  # "车来了 谢谢你": the emergency is in hands
        return Turn(SAFETY_INTENT[kind], (answers.emergency_in_hands(state.language),))
    choking = guidance.first_aid_slug(state.guide_query or "") == "choking-first-aid"
    if kind == "emergency" and RESOLVED.search(text) and choking:  # not a pill taken out of the mouth: 120 still
        return Turn(SAFETY_INTENT[kind], (answers.emergency_passed(state.language),))
    if kind == "distress" and DANGER_NOW.search(text):
        return Turn(SAFETY_INTENT[kind], (answers.crisis_now(state.language),))
    waiting = kind == "emergency" and bool(EMERGENCY_NEXT.search(text))
    replies = [answers.safety_still(state.language, kind, waiting=waiting, choking=choking)]
    named = centres.named_centre(ctx, text) if kind in {"harm", "fraud"} else None
    if named is not None:  # "是文明路上的小星星托育园 我要投诉它": that centre's filing and where to report it
        replies.extend(complaint.complaint(ctx, state, Message(), text, about="harm" if kind == "harm" else "fees",
                                           centre=named).replies)
        state.topic = f"safety:{kind}"
    if kind == "emergency" and VOMITING.search(text) and not choking:  # "她又吐了 咋弄" after a fall
        replies.append(answers.vomiting(state.language))
    passage = guidance.first_aid_passage(ctx, state, text) if kind == "emergency" else None
    return Turn(SAFETY_INTENT[kind], (*replies, passage) if passage else tuple(replies))

