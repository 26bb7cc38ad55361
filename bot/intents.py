"""Reading what a parent wants from a colloquial message: curated phrases, matched with rapidfuzz."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

INTENTS = ("find_centre", "check_centre", "leave", "guidance", "subsidy", "subscribe", "unsubscribe", "complaint",
           "help", "unknown")

# Longer, more specific phrases win over shorter ones (取消订阅 over 订阅), so each list holds the ways people
# actually say it. English phrases are matched on lower-cased text.
PHRASES: dict[str, tuple[str, ...]] = {
    "find_centre": (
        "托育", "托育机构", "托育园", "托育中心", "托儿所", "托儿", "托班", "幼儿园", "早托", "入托", "送托", "日托",
        "全日托", "半日托", "计时托", "临时托", "附近", "最近的", "离我近", "家门口", "周边", "哪里有", "哪儿有",
        "找个", "找一家", "推荐", "带娃的地方", "看孩子的地方", "帮忙带孩子", "没人带孩子", "没人带娃", "普惠",
        "15分钟", "十五分钟", "走路能到", "步行", "托位", "有空位", "名额", "萌宝驿站", "家庭托育点", "社区托育",
        "nursery", "daycare", "day care", "childcare near", "child care", "creche", "near me", "nearby",
        "closest", "find a",
    ),
    "check_centre": (
        "备案", "有没有备案", "是否备案", "备案了吗", "备没备案", "正规", "正不正规", "是不是正规", "靠谱", "靠不靠谱",
        "资质", "有资质", "合法", "黑托", "黑机构", "无证", "正规吗", "查一下", "查查", "核实", "能不能信", "可信", "办证", "营业执照",
        "is it registered", "is it filed", "registered", "licensed", "legit", "check a centre", "check the centre",
        "verify",
    ),
    "leave": (
        "产假", "陪产假", "护理假", "育儿假", "生育假", "延长生育假", "休假", "请假", "假期", "休几天", "放几天假",
        "多少天假", "几天假", "男方护理假", "老公的假", "配偶", "哺乳假", "流产假", "难产", "剖腹产", "双胞胎",
        "maternity", "paternity", "parental leave", "leave", "days off", "time off",
    ),
    "guidance": (
        "发烧", "发热", "烧到", "拉肚子", "腹泻", "呕吐", "吐奶", "便秘", "咳嗽", "感冒", "湿疹", "出疹", "皮疹",
        "红屁股", "尿布疹", "黄疸", "辅食", "母乳", "喂奶", "奶粉", "配方奶", "断奶", "吃饭", "挑食", "喂养", "睡觉",
        "睡眠", "夜醒", "哄睡", "趴睡", "睡", "醒", "老醒", "睡不着", "疫苗", "打针", "接种", "预防针", "体检", "身高", "体重", "长牙", "出牙",
        "说话", "走路", "爬", "翻身", "发育", "早教", "游戏", "玩具", "哭闹", "怎么办", "怎么带", "怎么喂",
        "正常吗", "摔", "烫伤", "呛", "噎", "窒息", "溺水", "安全座椅", "产后抑郁", "产后", "心情不好", "心情差", "想哭", "情绪", "焦虑", "回去上班", "返岗",
        "新生儿", "脐带", "洗澡", "要注意", "注意什么", "注意事项", "该怎么", "正常不", "抽搐", "育儿知识", "科学育儿", "月龄", "fever", "diarrhoea", "diarrhea",
        "vomit", "rash", "feeding", "breastfeed", "formula", "solid food", "sleep", "vaccine", "vaccination",
        "milestone", "teething", "crying", "cough", "how do i", "what should i", "guidance", "advice",
    ),
    "subsidy": (
        "补贴", "补助", "育儿补贴", "托育补贴", "费用", "多少钱", "收费", "贵不贵", "价格", "学费", "保教费",
        "优惠", "减免", "报销", "优先入托", "困境儿童", "烈士子女", "发钱", "津贴", "subsidy", "subsidies",
        "allowance", "how much", "fee", "fees", "cost", "price",
    ),
    "subscribe": (
        "订阅", "推送", "定期发", "每周发", "按月龄", "提醒我", "关注", "接收", "育儿提醒", "给我发", "发给我",
        "subscribe", "sign me up", "send me", "weekly tips", "remind me",
    ),
    "unsubscribe": (
        "取消订阅", "退订", "别发了", "不要再发", "不要发了", "别再发", "停止推送", "不要推送", "取消推送", "不想收",
        "不再接收", "关闭提醒", "太多消息", "不要再给我发", "别给我发", "不用发了", "不要给我发", "别再推送", "unsubscribe", "stop sending", "stop messages", "no more messages", "td",
    ),
    "complaint": (
        "投诉", "举报", "反映问题", "虐待", "打孩子", "被打", "打了孩子", "体罚", "不满意", "维权", "退费", "乱收费",
        "受伤了", "12345", "黑名单", "怎么告", "complain", "complaint", "report a", "abuse",
    ),
    "help": (
        "你好", "您好", "在吗", "哈喽", "嗨", "帮助", "菜单", "能做什么", "能干什么", "有什么功能", "怎么用",
        "使用说明", "谢谢", "hi", "hello", "help", "menu", "what can you do", "thanks",
    ),
}
# Words that say little on their own: they count, but a specific phrase beats them.
WEAK = {
    "托育": 1.5, "托育机构": 1.5, "托育园": 1.5, "托育中心": 1.5, "托儿所": 1.5, "托儿": 1.2, "托班": 1.5,
    "幼儿园": 1.5, "怎么办": 1.2, "正常吗": 1.2, "怎么带": 1.5, "育儿知识": 1.5, "科学育儿": 1.5, "月龄": 1.2,
    "推荐": 1.5, "假期": 1.5, "费用": 2.0, "关注": 1.5, "接收": 1.5, "查一下": 1.5, "查查": 1.5, "leave": 1.5,
    "guidance": 1.2, "advice": 1.2, "how do i": 1.0, "what should i": 1.0, "find a": 1.0, "send me": 1.5,
    "verify": 1.5, "child care": 1.5, "registered": 1.8, "谢谢": 1.5, "thanks": 1.0, "配偶": 1.5,
    "睡": 1.5, "醒": 1.2, "产后": 1.5, "情绪": 1.5, "how much": 1.0, "萌宝驿站": 1.5, "家庭托育点": 1.5,
}
# Needs that must not be missed weigh more when their words appear.
BOOST = {"unsubscribe": 1.5, "complaint": 1.5, "check_centre": 1.3, "subscribe": 1.3, "leave": 1.2, "subsidy": 1.2}
# Ties go to the more specific need.
PRIORITY = {name: i for i, name in enumerate(
    ("unsubscribe", "complaint", "subscribe", "check_centre", "leave", "subsidy", "guidance", "find_centre", "help"))}
# "别再给我发", "关闭提醒": a subscription word under a negation means stop.
NEGATION = re.compile(r"别|不要|不用|不想|不必|取消|关闭|停止|停掉|退订|don't|do not|no more|stop")
PUNCTUATION = re.compile(r"[\s，。！？、；：,.!?;:~～…\"'“”‘’()（）【】\[\]]+")
LATIN = re.compile(r"[a-z]")


@dataclass(frozen=True)
class Reading:
    intent: str
    score: float
    phrase: str | None


def normalise(text: str) -> str:
    return PUNCTUATION.sub(" ", text.lower()).strip()


def _weight(intent: str, phrase: str) -> float:
    # A Chinese character carries about as much as four English letters.
    base = WEAK.get(phrase) or (len(phrase) / 4 if LATIN.search(phrase) else float(len(phrase)))
    return base * BOOST.get(intent, 1.0)


def classify(text: str) -> Reading:
    """The most specific intent whose phrases the message contains (typos allowed for longer phrases)."""
    spaced = normalise(text)[:500]
    if not spaced:
        return Reading("unknown", 0.0, None)
    compact = spaced.replace(" ", "")
    best = Reading("unknown", 0.0, None)
    for intent, phrases in PHRASES.items():
        for phrase in phrases:
            latin = bool(LATIN.search(phrase))
            haystack = f" {spaced} " if latin else compact
            needle = f" {phrase} " if latin and len(phrase) <= 5 else phrase
            if needle in haystack:
                score = _weight(intent, phrase) + 1.0
            elif (len(phrase) >= (6 if latin else 3) and len(haystack) >= len(phrase)
                  and fuzz.partial_ratio(phrase, haystack) >= 85):
                score = _weight(intent, phrase) * 0.8
            else:
                continue
            if (score, -PRIORITY[intent]) > (best.score, -PRIORITY.get(best.intent, 99)):
                best = Reading(intent, score, phrase)
    if best.intent == "subscribe" and NEGATION.search(spaced):
        return Reading("unsubscribe", best.score, best.phrase)
    return best
