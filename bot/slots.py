"""Slots read from colloquial messages: dates, the child's age, service form, inclusive, twins, birth order, loss."""

from __future__ import annotations

import re
from datetime import date

from bot.understanding.text import looks_like_pinyin
from geodata.centre import Mode
from geodata.regions import PROVINCES, Province

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9, "十": 10}
NUMBER = r"(\d{1,2}|[零〇一二两俩三四五六七八九十]{1,3})"

ISO = re.compile(r"(20\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?")
SHORT_YEAR = re.compile(r"(?<!\d)(\d{2})年(\d{1,2})月(\d{1,2})(?:[日号]|(?=\s*(?:出?生|$|[，。,.!！?？\s])))")
RELATIVE_YEAR = re.compile(r"(前年|去年|今年|明年)(\d{1,2})月(\d{1,2})[日号]?")
RELATIVE_MONTH = re.compile(r"(上个?月|这个?月|本月|下个?月)(\d{1,2})[日号]")
RELATIVE_YEAR_MONTH = re.compile(r"(前年|去年|今年|明年)(\d{1,2})月(?![\d日号])")
YEAR_OFFSETS = {"前年": -2, "去年": -1, "今年": 0, "明年": 1}
BIRTH_YEAR = re.compile(r"(?<!\d)(20\d{2}|[12]\d)\s*年\s*(?:出?生|的(?:宝宝|娃|孩子)?|宝宝|娃|孩子|生的)(?!\d)")
EN_MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
EN_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
            r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
EN_MONTH_YEAR = re.compile(rf"\b{EN_MONTH}\.?,?\s+(20\d{{2}})\b", re.I)
EN_DATE = re.compile(rf"\b(?:{EN_MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?|(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
                     rf"{EN_MONTH}\.?),?\s+(20\d{{2}})\b", re.I)  # "January 20 2026", "3rd of March, 2025"
YEAR_MONTH = re.compile(r"(20\d{2})\s*[年\-/.]\s*(\d{1,2})\s*月?(?![\d\-/.月日号])")
# "12月28日", and "预产期12月28" with no 日 at the end of a phrase
MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})(?:[日号]|(?=\s*(?:出?生|$|[，。,.!！?？\s])))")
YEARS_MONTHS = re.compile(NUMBER + r"\s*(?:岁|周岁)\s*(半|" + NUMBER + r"\s*个?月)?")
MONTHS = re.compile(NUMBER + r"\s*个\s*(?:多)?月")
EN_MONTHS = re.compile(r"(\d{1,2})\s*-?\s*months?", re.I)
EN_YEARS = re.compile(r"(?<![\d.])(\d)\s*-?\s*years?", re.I)
DECIMAL_YEARS = re.compile(r"(?<![\d.])(\d\.\d)\s*-?\s*(?:岁|周岁|years?|yrs?)", re.I)
# "一个月多少钱", "每月收1200元": a fee per month, never the child's age.
PER_MONTH = re.compile(r"(?:一|1|每)\s*个?\s*月\s*(?:要|得|大概|大约|约)?\s*"
                       r"(?:多少|几多|几千|收|交|学费|费|的?钱|\d+\s*元|[一二两三四五六七八九\d]+\s*[千百]|\d{3,})|"
                       r"(?:多少钱|几多钱|收费|费用|学费|价格)\s*(?:一|1|每)\s*个?\s*月")  # "多少钱 一个月"
WEEKS = re.compile(NUMBER + r"\s*(?:周|星期)(?!岁)")

MODE_WORDS = {Mode.full_day: ("全日托", "全天", "整天", "full day", "full-day"),
              Mode.half_day: ("半日托", "半天", "half day", "half-day"),
              Mode.hourly: ("计时托", "按小时", "钟点", "几个小时", "hourly"),
              Mode.temporary: ("临时托", "临时", "偶尔", "temporary", "occasional")}
# "不一定要普惠", "普惠不普惠无所谓", "not necessarily inclusive"
NOT_ONLY_INCLUSIVE = re.compile(r"不(?:一定|必|用|需要|要求|求|限)\S{0,3}普惠|普惠不普惠|普不普惠|"
                                r"普惠\S{0,4}(?:无所谓|都行|都可以|没关系)|"
                                r"not necessarily (?:inclusive|public)|doesn'?t have to be (?:inclusive|public)")
INCLUSIVE_WORDS = ("普惠", "扑会", "普会", "公办", "便宜", "inclusive", "affordable", "public")
ALL_CENTRES_WORDS = ("不限普惠", "都行", "全部", "所有", "非普惠", "不是普惠也", "不要普惠", "不用普惠", "不一定普惠",
                     "私立", "民办", "all centres", "any centre", "private")
VACANCY_WORDS = ("有空位", "有名额", "有位置", "能报名", "还收", "vacanc", "free place", "space")
FEE = re.compile(r"多少钱|几多钱|收费|学费|托费|费用|价格|价位|贵不贵|贵吗|多贵|一个月多少|每月多少|一月多少|"
                 r"how much|\bfees?\b|\bcosts?\b|\bprices?\b|expensive", re.I)
SUPPORT = re.compile(r"补贴|补助|津贴|减免|优惠|报销|subsid|allowance|grant", re.I)
# Something in the airway: "花生米塞嘴里了 咳不出来 脸都憋红了", "卡在嗓子里", "stuck in her throat".
CHOKING = re.compile(r"噎|呛住|卡住|卡喉|窒息|咳不出|卡在\S{0,2}(?:喉咙|嗓子|气管)|(?:喉咙|嗓子|气管)\S{0,2}卡|"
                     r"憋(?:得)?(?:红|紫|青)|choking|\bchoke|stuck in (?:his|her|their|the) (?:throat|windpipe)", re.I)
LOSS_WORDS = ("宝宝没了", "孩子没了", "夭折", "胎停", "死胎", "流产了", "没保住", "stillbirth", "miscarriage",
              "baby died", "lost the baby", "lost our baby")
# The child (not a grandparent, not "孩子妈妈走了") died, or "went" in the sense of died; never "宝宝会走了" (learned to
# walk).
LOSS_PATTERN = re.compile(r"(?<!生完)(?<!生下)(?<!生了)(?<!扔下)(?<!丢下)(?<!撇下)"
                          r"(宝宝|孩子|娃|女儿|儿子|囡囡)[^，。,.!！?？妈爸爹娘爷奶姥婆公]{0,6}?"
                          r"(去世|离开了我们|离开我们|"
                          r"(?<!会)(?<!能)(?<!学)(?<!刚)(?<!开始)走了(?!路))|"
                          r"(baby|son|daughter|child)\b.{0,20}passed away", re.I)
TWINS = {"双胞胎": 2, "双胎": 2, "龙凤胎": 2, "twins": 2, "三胞胎": 3, "triplets": 3}
ORDER = {"头胎": 1, "一胎": 1, "第一胎": 1, "第一个孩子": 1, "first child": 1,
         "二胎": 2, "二孩": 2, "老二": 2, "二宝": 2, "第二个孩子": 2, "第二胎": 2, "second child": 2,
         "三胎": 3, "三孩": 3, "老三": 3, "三宝": 3, "第三个孩子": 3, "第三胎": 3, "third child": 3}
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def chinese_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if not text or any(ch not in CN_DIGITS for ch in text):
        return None
    if "十" not in text:
        return CN_DIGITS[text[-1]] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    return (CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (CN_DIGITS.get(ones, 0) if ones else 0)


# Dates said in words: "八月十五", "八月二十五号", "今年三月中旬", "去年国庆" (October).
CN_MONTH = re.compile(r"(?:(?<=年)|(?<![一二两三四五六七八九十\d个]))([一二三四五六七八九十]{1,2})"
                      r"(?=月(?:[一二三四五六七八九十\d]|初|中|底|末|份|上旬|下旬|出生|生|$|\s))")
CN_DAY = re.compile(r"(?<=\d月)([一二三四五六七八九十]{1,3})(?=[日号]|出?生|$|\s|那|的|左右)")
NATIONAL_DAY = re.compile(r"(前年|去年|今年|明年)?国庆(?:节|假期)?")


def date_words(text: str) -> str:
    """Dates said in Chinese numerals as digits ("八月十五" → "8月15"); 国庆 as October."""
    text = NATIONAL_DAY.sub(lambda m: f"{m.group(1) or ''}10月", text)
    text = CN_MONTH.sub(lambda m: str(chinese_number(m.group(1))), text)
    return CN_DAY.sub(lambda m: str(chinese_number(m.group(1))), text)


def find_date(text: str, today: date, near: date | None = None) -> date | None:
    """A calendar date in the message; a month and day alone is taken as the such date nearest to `near` (a date
    being corrected: "应该是5月2日" keeps its year), else to today."""
    text = date_words(text)
    for pattern, century in ((ISO, 0), (SHORT_YEAR, 2000)):
        match = pattern.search(text)
        if match:
            y, m, d = (int(g) for g in match.groups())
            try:
                return date(y + century, m, d)
            except ValueError:
                return None
    english = EN_DATE.search(text)
    if english:  # "January 20 2026", "20 January 2026"
        month = english.group(1) or english.group(4)
        day, year = english.group(2) or english.group(3), english.group(5)
        return _date_or_none(int(year), EN_MONTH_NAMES.index(month[:3].lower()) + 1, int(day))
    match = RELATIVE_YEAR.search(text)
    if match:
        return _date_or_none(today.year + YEAR_OFFSETS[match.group(1)], int(match.group(2)), int(match.group(3)))
    match = RELATIVE_MONTH.search(text)
    if match:
        shift = -1 if match.group(1).startswith("上") else 1 if match.group(1).startswith("下") else 0
        month_index = today.year * 12 + today.month - 1 + shift
        return _date_or_none(month_index // 12, month_index % 12 + 1, int(match.group(2)))
    match = MONTH_DAY.search(text)
    if match:
        m, d = int(match.group(1)), int(match.group(2))
        candidates = []
        for year in sorted({(near or today).year + shift for shift in (-1, 0, 1)}):
            try:
                candidates.append(date(year, m, d))
            except ValueError:
                continue
        return min(candidates, key=lambda c: abs((c - (near or today)).days)) if candidates else None
    return None


def find_month(text: str, today: date | None = None) -> date | None:
    """A month without a day ("2024年6月出生", "2024-06", "October 2025", and with `today` "今年3月"), as its first
    day; None when a whole date is given."""
    text = date_words(text)
    if ISO.search(text) or RELATIVE_YEAR.search(text) or EN_DATE.search(text):
        return None
    relative = RELATIVE_YEAR_MONTH.search(text) if today else None
    if relative and today and 1 <= int(relative.group(2)) <= 12:
        return date(today.year + YEAR_OFFSETS[relative.group(1)], int(relative.group(2)), 1)
    english = EN_MONTH_YEAR.search(text)
    if english:
        return date(int(english.group(2)), EN_MONTH_NAMES.index(english.group(1)[:3].lower()) + 1, 1)
    match = YEAR_MONTH.search(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)



BORN = re.compile(r"出生|生的|生于|出世|\bborn\b", re.I)


def months_since_birth(text: str, today: date) -> int | None:
    """"宝宝是2026年9月出生的": the child's age in whole months, from a past birth date or month the message gives."""
    if not BORN.search(text):
        return None
    born = find_date(text, today) or find_month(text, today)
    if born is None or born > today:
        return None
    return (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)

def find_birth_year(text: str) -> int | None:
    """A birth year alone ("那2023年生的呢", "23年出生"); None when a month or a whole date is given."""
    if ISO.search(text) or YEAR_MONTH.search(text) or SHORT_YEAR.search(text):
        return None
    match = BIRTH_YEAR.search(text)
    if not match:
        return None
    year = int(match.group(1))
    return year + 2000 if year < 100 else year


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def is_bad_date(text: str) -> bool:
    """The message holds something shaped like a date that is not one (2025-02-30)."""
    match = ISO.search(text)
    if not match:
        return False
    y, m, d = (int(g) for g in match.groups())
    try:
        date(y, m, d)
    except ValueError:
        return True
    return False


def find_age_months(text: str) -> int | None:
    """The child's age in whole months: 8个月, 一岁半, 两岁三个月, 18 months, 2 years, 新生儿."""
    if any(w in text for w in ("刚出生", "新生儿", "newborn")):
        return 0
    if "满月" in text:
        return 1
    text = PER_MONTH.sub("", text)
    match = DECIMAL_YEARS.search(text)  # "2.5岁", "a 1.5 year old"
    if match and float(match.group(1)) <= 6:
        return round(float(match.group(1)) * 12)
    match = YEARS_MONTHS.search(text)
    if match:
        years = chinese_number(match.group(1))
        extra = 0
        if match.group(2) == "半":
            extra = 6
        elif match.group(3):
            extra = chinese_number(match.group(3)) or 0
        if years is not None and years <= 6:
            return years * 12 + extra
    for pattern in (MONTHS, EN_MONTHS):
        match = pattern.search(text)
        if match:
            months = chinese_number(match.group(1))
            if months is not None and months <= 72:
                return months
    match = EN_YEARS.search(text)
    if match:
        return int(match.group(1)) * 12
    match = WEEKS.search(text)
    if match:
        weeks = chinese_number(match.group(1))
        if weeks is not None and weeks <= 20:
            return weeks * 7 // 30
    return None



UNDER = re.compile(r"以下|以内|之内|不到|不满|\bunder\b|\bbelow\b|less than|younger than", re.I)


def find_child_age(text: str) -> int | None:
    """The child's age in months as a filter: "3个月以下" is a child of at most 2 months."""
    age = find_age_months(text)
    return age - 1 if age and UNDER.search(text) else age


def without_age(text: str) -> str:
    """The words without the child's age ("8个月宝宝晚上老醒" → "宝宝晚上老醒"), to ask the same at another age."""
    for pattern in (YEARS_MONTHS, MONTHS, EN_MONTHS, EN_YEARS, WEEKS):
        text = pattern.sub("", text)
    return text


def find_mode(text: str) -> Mode | None:
    lower = text.lower()
    for mode, words in MODE_WORDS.items():
        if any(w in lower for w in words):
            return mode
    return None


def wants_inclusive(text: str) -> bool | None:
    """True if they ask for 普惠, False if they say any centre will do, None if they say nothing."""
    lower = text.lower()
    if any(w in lower for w in ALL_CENTRES_WORDS) or NOT_ONLY_INCLUSIVE.search(lower):
        return False
    if any(w in lower for w in INCLUSIVE_WORDS):
        return True
    return None


def wants_vacancies(text: str) -> bool:
    lower = text.lower()
    return any(w in lower for w in VACANCY_WORDS)


# "哪家最便宜": cheapest first.
CHEAPEST = re.compile(r"最便宜|最实惠|最划算|(?:收费|费用|价格|学费)最低|哪(?:家|个|一家)\S{0,3}便宜|便宜的?是哪|最平|"
                      r"[边邊]间\S{0,2}平|\bcheapest\b|\blowest (?:fee|price|cost)|\bleast expensive\b", re.I)


def wants_cheapest(text: str) -> bool:
    return bool(CHEAPEST.search(text))


def asks_fee(text: str) -> bool:
    """"托育一个月多少钱": what centres charge, not what support there is ("有补贴吗" is not a fee question)."""
    return bool(FEE.search(text)) and not SUPPORT.search(text)


NOT_A_LOSS = re.compile(r"不是\S{0,2}(?:宝宝|孩子|娃)\S{0,2}(?:没了|走了)|(?:宝宝|孩子|娃)\S{0,2}(?:好好的|没事)")


def is_loss(text: str) -> bool:
    if NOT_A_LOSS.search(text):  # "不是孩子没了 孩子好好的": the child is alive
        return False
    lower = text.lower()
    return any(w in lower for w in LOSS_WORDS) or bool(LOSS_PATTERN.search(text))


def is_choking(text: str) -> bool:
    return CHOKING.search(text) is not None


NOT_DIFFICULT = re.compile(r"不算难产|不是难产|没有难产|没难产|非难产|不属于难产|顺产|"
                           r"(?:没|没有)(?:写|说|认定|开)\S{0,2}难产|not (?:a )?difficult", re.I)
# Asking to complain (投速: a typo; "where do I report her").
COMPLAINT_WORDS = re.compile(r"投诉|投速|举报|告他们|\bcomplain|\breport (?:her|him|them|this|it|"
                             r"the (?:centre|center|nursery|daycare|carer|nanny|babysitter))\b", re.I)
DENIED = re.compile(r"不是(?:在)?[^\s，,。]{1,8}?(?=[\s，,。]|$)")  # "不是四川 我们两个都在伊旗…": not 四川
QUESTION = re.compile(r"[?？]|吗|啥|什么|怎么|咋|如何|多少|哪|(?:能|可以|要|行|会|该)\S{0,6}(?:不|没)[?？。!！]*$|"
                      r"\b(?:what|how|which|where|when|why)\b", re.I)
ASKS_DIFFICULT = re.compile(r"算(?:不算)?难产(?:吗|不|么|嘛)?$|算(?:不算)?难产(?:吗|不|么|嘛)|是不是难产|难产吗|"
                            r"count as (?:a )?difficult", re.I)


def find_babies(text: str) -> int | None:
    lower = text.lower()
    return next((n for word, n in TWINS.items() if word in lower), None)


def find_birth_order(text: str) -> int | None:
    lower = text.lower()
    return next((n for word, n in ORDER.items() if word in lower), None)


def mentions_difficult_birth(text: str) -> bool:
    return difficult_birth_said(text) is True


def difficult_birth_said(text: str) -> bool | None:
    """True for "难产", False for "不算难产"/"顺产", None when it is not said, or only asked ("剖腹产算难产不")."""
    if NOT_DIFFICULT.search(text):
        return False
    if ASKS_DIFFICULT.search(text):
        return None
    return True if ("难产" in text or "difficult birth" in text.lower()) else None


def mentions_caesarean(text: str) -> bool:
    return any(w in text.lower() for w in ("剖腹产", "剖宫产", "caesarean", "c-section"))


def looks_english(text: str) -> bool:
    """Written in English: Latin words outweigh Chinese characters ("Is there daycare near 锡尼镇?")."""
    words = LATIN_WORD.findall(text)
    return len(words) >= 2 and sum(len(w) for w in words) > 2 * len(CJK.findall(text)) \
        and not looks_like_pinyin(text)


def looks_chinese(text: str) -> bool:
    """Written in Chinese: six Chinese characters or more and at most one Latin word ("8个月了 要不要断夜奶")."""
    return len(CJK.findall(text)) >= 6 and len(LATIN_WORD.findall(text)) <= 1


# Leave follows where one works and pays social insurance, not the household registration or the home town.
HOME_NOT_WORK = re.compile(r"(?:户口|户籍|老家|籍贯)(?:是|在)?\S{0,6}?(?:的|人)?(?=[\s，,。]|但|可|不过|$)")
WORKS_IN = re.compile(r"上班|工作|社保|单位")


def find_province(text: str) -> Province | None:
    """A province named in the message (full or short name, or English), not one denied ("不是四川"); 山西 and 陕西
    are kept apart."""
    text = DENIED.sub("", text)
    text = HOME_NOT_WORK.sub("", text) if WORKS_IN.search(text) else text  # "户口内蒙古的 但在上海上班交社保": 上海
    lower = text.lower()
    for province in sorted(PROVINCES, key=lambda p: -len(p.short)):
        if province.name in text or province.short in text or province.name_en.lower() in lower \
                or any(name in text for name in province.also):
            return province
    return None


# Which leave a message asks about: the spouse's, the parents' yearly days, or the mother's.
SPOUSE = re.compile(r"老公|丈夫|爸爸|男方|他爸|孩子爸|我爱人|配偶|陪产|护理假|(?:^|\s)男的|男的(?:呢|有|几|多少)|"
                    r"当爸|当爹|(?:我|俺)是\S{0,2}(?:爸|爹)|"
                    r"(?:她|我|俺)家?男人|"
                    r"husband|partner|father|dad\b|paternity", re.I)
PARENTAL = re.compile(r"育儿假|parental", re.I)
MOTHER = re.compile(r"(?:老婆|媳妇|妻子|女方|孩子妈)(?!妈?\S{0,3}(?:走了|跑了|不在了|离开|没了|去世))|"
                    r"我自己|产假|生育假|(?:^|\s)她(?:呢|的|能|有|要)|"
                    r"wife|maternity|\bher\b|\bshe\b|\bmother\b", re.I)


# 假 typed as a homophone: 陪产价, 产甲, 育儿架.
LEAVE_TYPO = re.compile(r"(?<=产|儿|理|乳)[价甲架驾嫁]")


def leave_asked(text: str) -> str | None:
    """"paternity", "parental" or "maternity" when the message names whose leave it asks about; both parents named
    ("我儿子儿媳在运城") ask "maternity,paternity"."""
    text = LEAVE_TYPO.sub("假", text)
    if PARENTAL.search(text):
        return "parental"  # "育儿假…我和老公都有吗" asks the 育儿假
    if BOTH_PARENTS.search(text):
        return "maternity,paternity"
    return "paternity" if SPOUSE.search(text) else "maternity" if MOTHER.search(text) else None


# Both parents named: the mother's leave and the father's.
BOTH_PARENTS = re.compile(r"儿子\S{0,2}儿媳|儿媳\S{0,2}儿子|(?:闺女|女儿)\S{0,2}女婿|女婿\S{0,2}(?:闺女|女儿)|"
                          r"两口子|夫妻|我们俩|我们两个|我和(?:老公|老婆|媳妇|爱人)|"
                          r"\bboth of us\b|\bmy (?:wife|husband) and i\b", re.I)
