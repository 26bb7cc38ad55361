"""The safety layer: runs before everything else and favours recall.

It looks for harm to a child, medical emergencies in plain words, medicine and dose questions, a parent in
despair, and fee fraud. Word patterns catch what must never be missed; the trained safety classifier catches
plain descriptions the patterns do not know. Either one raises the alarm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understanding.model import SafetyReading

# The order is the order of precedence when a message says several things: harm to a child leads (110).
KINDS = ("harm", "emergency", "distress", "medicine", "fraud")

CHILD = r"(孩子|娃|宝宝|宝|崽|儿子|女儿|闺女|孙子|孙女|外孙|小孩|幼儿|囡囡|他|她)"
CARER = r"(老师|阿姨|保育员|保姆|育婴师|园长|园里|托育|托班|托儿所|幼儿园|机构|工作人员|他们|有人|大人|继父|后妈|邻居)"
HURT = r"(打|踢|掐|扇|抽|拧|揪|扯|拽|推|摔|捂|绑|捆|关|饿|骂|吓|威胁|烫|扎|咬|脱|摸|亲|塞|灌|喂|罚|拖|甩|扔)"
HARM = (
    r"虐待|虐童|体罚|性侵|猥亵|侵犯|家暴|暴打|毒打|殴打|打骂|打孩子|打娃|打宝宝|被打|挨打|被老师|"
    r"掐(了|他|她|孩子|娃|脖子)|扇(了|耳光|巴掌|脸)|踢(了|他|她|孩子|娃)|拧(耳朵|胳膊|大腿|屁股)|揪(头发|耳朵)|"
    r"小黑屋|关(起来|在|进|黑)|锁(在|起来)|绑(在|起来|住)|捆(在|起来|住)|胶带|封(住)?嘴|"
    r"不(给|让)(吃饭|喝水|吃东西|上厕所)|饿(着|了一天|一天)|不给饭|"
    r"安眠药|镇静(剂|药)|喂(了)?药让|吃了?让(他|她|孩子)?睡|让孩子睡的药|"
    r"淤青|瘀青|青一块|紫一块|青紫|伤痕|掐痕|红印|一道一道|牙印|烟头|抽的|打的印|"
    r"脱(他|她|孩子|娃)?的?裤子|摸(他|她|孩子|娃)?的?(下面|下体|私处|屁股|隐私)|不让(他|她)?告诉|别告诉(爸|妈|家长)|"
    r"恐吓|吓唬|威胁(说|孩子|他|她)|拿针|扎(他|她|孩子)|"
    r"(没人管|没人看|扔下|丢下|锁在家|独自在家|一个人在家).{0,6}(孩子|娃|宝宝|婴儿)|"
    r"(孩子|娃|宝宝|婴儿).{0,6}(没人管|没人看|扔下|丢下|锁在家|独自在家|一个人在家)|"
    + CARER + r".{0,8}" + HURT + r"(了|着|过|他|她|孩子|娃|宝宝|我家)|"
    r"\babus|\bhit(s|ting)?\b|\bslap|\bkick|\bpinch|\bbruis|\bwelt|\bmarks on\b|\blocked (him|her|them|the)|"
    r"\btied (him|her|up)|\bmolest|\btouched (him|her|my)|\binappropriate(ly)? touch|\bneglect|\bstarv|"
    r"\bsedat|\bsleeping pill|\bshak(e|en|ing) (the )?baby|\bthreaten|\bhurt (him|her|my|the)|\bbeat(ing|en)?\b"
)
EMERGENCY = (
    r"(叫|喊|弄|拍|摇)(不|不太|都不)醒|醒不(过来|了)|昏迷|昏过去|晕过去|晕倒|不省人事|没(有)?反应|软(绵绵|塌塌)|瘫软|"
    r"嘴(唇)?(发|有点|都|有些)?(紫|青|乌|黑|白)|脸(色)?(发)?(紫|青|灰)|发绀|"
    r"喘不(上|过)(气|来)|呼吸(困难|急促|很快|好快|费劲|吃力|停|不过来)|憋(气|得|着)|没(有)?(气|呼吸)了?|不(会)?呼吸|"
    r"胸(口)?(凹|陷)|鼻翼|"
    r"抽搐|抽风|抽筋|惊厥|翻白眼|口吐白沫|(四肢|全身|浑身|手脚)(抖|抽|僵)|"
    r"误(吞|服|食|喝|吃)|吞(了|下|进)|咽(了|下)|吃(了|掉)?(一|个|颗|粒|块)?(纽扣|电池|磁|硬币|珠子|药片|药丸)|"
    r"纽扣电池|磁(铁|珠|力珠)|喝(了|到)?(一口|几口|点)?(84|消毒|洗洁精|洗衣|酒精|农药|清洁|漂白|敌敌畏|汽油|柴油|花露水|"
    r"洁厕|杀虫|白酒)|(吃|喝)了?(大人|妈妈|奶奶|爷爷|外婆|姥姥|爸爸)?的?(药|降压药|安眠药)|(药|退烧药)(吃|喂)(多|重复|两次|错)|"
    r"(吃|喂)(多|重复|两次|错)了?(药|退烧药)|中毒|"
    r"(头|脑袋|后脑勺|额头).{0,10}(吐|呕|犯困|嗜睡|想睡|睡过去|晕|流血|出血|肿了个大包)|"
    r"(吐|呕|犯困|嗜睡|晕).{0,10}(磕|撞|摔)(到|了)?(头|脑袋)|"
    r"(从|掉|跌|摔).{0,4}(楼上|楼梯|高处|窗(户|台)|阳台|二楼|三楼)|坠落|坠楼|"
    r"按(压|着|一下)?(也|都)?(不|没)(褪|退|消|变白)|压不(褪|退)|出血点|瘀点|紫癜|"
    r"(没|没有|不)(尿|小便|尿尿)|尿(很|特别|非常)?少|尿不湿.{0,6}干|囟门(凹|塌|陷|下陷)|哭(都)?没(有)?眼泪|"
    r"噎(住|着)|卡(住|在|喉|嗓子)|呛(住|着|到)|窒息|"
    r"烫伤|烧伤|烫(到|着|了)|开水|触电|溺水|(掉|摔|栽)(进|到)?(水|水缸|水桶|浴缸|池)|"
    r"(大|流|出)血(不止|止不住)|血(止不住|一直流)|"
    r"\bnot breathing|\bcan'?t breathe|\bstruggling to breathe|\btrouble breathing|\bbreathing (hard|fast|funny)|"
    r"\bblue (lips|face)|\blips (look |are |turned |went )?(blue|grey|gray|purple)|\bunconscious|\bwon'?t wake|"
    r"\bhard to wake|\bfloppy|\bunresponsive|\bseizure|\bconvuls|\bfitting\b|\bswallow|\bpoison|\bbleach|"
    r"\bchok|\bdrown|\bburn(ed|t)?\b|\bscald|\bbutton batter|\bmagnet|\bfell (down|off|from)|\bhead injur|"
    r"\brash (that )?(doesn'?t|does not|won'?t) fade|\bno wet (nappy|nappies|diaper)|\bsunken|\boverdose"
)
FEVER = r"发烧|发热|烧到|低烧|高烧|体温|烧起来|(38|39|40)(度|\.\d)|\bfever|\btemperature"
DISTRESS = (
    r"不想活|活着没意思|活着(真|好)?累|想死|去死|自杀|轻生|结束(自己的)?生命|活不下去|伤害自己|"
    r"跳(下去|楼|河|江)|站在(阳台|楼顶|窗)|割腕|一了百了|撑不下去了?|不想醒来|解脱|想消失|"
    r"没有我(就|会)?(好|更好)|带着(孩子|宝宝|娃)一起(走|死)|"
    r"(掐死|摔死|闷死|弄死|扔掉)(他|她|孩子|宝宝|娃)|想把(孩子|宝宝|娃)(扔|丢|摔)|怕(我)?(会)?伤害(孩子|宝宝|娃)|"
    r"(天天|每天|一直|整天)(哭|以泪洗面).{0,12}(产后|生完|坐月子)|(产后|生完|坐月子).{0,12}(天天|每天|一直|整天)(哭|以泪洗面)|"
    r"产后抑郁.{0,6}(严重|很重|想死)|"
    r"\bwant to die|\bkill myself|\bsuicid|\bend (it|my life)|\bcan'?t go on|\bhurt myself|\bhurt (the|my) baby|"
    r"\bdisappear\b|\bjump (off|from)|\bno point (in )?living|\bbetter off without me"
)
MEDICINE = (
    r"美林|泰诺林|布洛芬|对乙酰氨基酚|扑热息痛|退(烧|热)(药|贴|栓)|止咳(药|糖浆)|止泻药|抗生素|头孢|阿莫西林|阿奇霉素|"
    r"蒙脱石|思密达|妈咪爱|小儿氨酚|氨酚|感冒(药|冲剂|灵)|消炎药|激素|地塞米松|红霉素|奥司他韦|达菲|开塞露|"
    r"布地奈德|雾化|输液|打点滴|药(量|水)|(吃|喂|用|给).{0,4}药|几(毫升|ml|片|粒|袋|包)|多少(毫升|ml|mg|毫克|片|粒)|"
    r"半片|剂量|用量|一次(吃|喂)多少|(隔|间隔)(多久|几个小时)(吃|喂)|"
    r"\btylenol|\bmotrin|\bibuprofen|\bparacetamol|\bacetaminophen|\bcalpol|\bantibiotic|\bamoxicillin|\bdos(e|age)|"
    r"\bmedicine|\bmedication|\bml of\b|\bsyrup"
)
# Guidance amounts, not medicine: vitamin D, fluoride toothpaste, milk and water are not dose questions.
NOT_MEDICINE = re.compile(r"维生素|维d|vd|ad|鱼肝油|钙|dha|牙膏|益生菌|奶|水|vitamin|toothpaste|fluoride", re.I)
FRAUD = (
    r"跑路|卷(钱|款|走)|携款|人去楼空|骗(钱|子|局)|诈骗|假(的)?备案|冒充|"
    r"(不|拒绝|拒不|不肯|不给|不予)(退|还)(押金|钱|费|款|学费|保教费|定金|订金|余额)?|退(不了|不回|不出来)|"
    r"(押金|预付|预存|充值|会员卡|学费|年费|定金|订金).{0,12}(关门|倒闭|不退|跑|没了|要不回|打水漂|失联)|"
    r"(关门|倒闭|停业|搬走).{0,12}(钱|费|卡|押金|退)|(老板|负责人|园长).{0,4}(失联|联系不上|跑了|不见)|"
    r"\bran (off|away) with|\bscam|\bfraud|\brefus(e|ed|es|ing) to refund|\bwon'?t refund|\bno refund|"
    r"\bkept (our|my|the) (money|deposit|fees)|\bdisappeared with|\bclosed (down )?(overnight|suddenly)"
)

PATTERNS = {kind: re.compile(source, re.I) for kind, source in
            (("harm", HARM), ("emergency", EMERGENCY), ("distress", DISTRESS), ("medicine", MEDICINE),
             ("fraud", FRAUD))}
FEVER_WORDS = re.compile(FEVER, re.I)
MODEL_ALARM = 0.5  # the model raises the alarm when "none" is less likely than this (chosen by CV, recall first)


@dataclass(frozen=True)
class Alarm:
    kinds: tuple[str, ...]  # every kind found, in order of precedence
    by_words: bool  # False when only the classifier saw it

    @property
    def kind(self) -> str:
        return self.kinds[0]


def word_alarms(text: str, age_months: int | None = None) -> list[str]:
    """The kinds whose patterns the message matches; a fever under 3 months is an emergency."""
    found = [kind for kind, pattern in PATTERNS.items() if pattern.search(text)]
    if "medicine" in found and NOT_MEDICINE.search(text) and not re.search(
            r"药|tylenol|motrin|ibuprofen|paracetamol|calpol|antibiotic|dos(e|age)", text, re.I):
        found.remove("medicine")
    if "emergency" not in found and age_months is not None and age_months < 3 and FEVER_WORDS.search(text):
        found.append("emergency")
    return [kind for kind in KINDS if kind in found]


def check(text: str, reading: SafetyReading | None, age_months: int | None = None) -> Alarm | None:
    """The alarm for this message, or None when it is ordinary."""
    kinds = word_alarms(text, age_months)
    if kinds:
        if reading is not None and reading.none_probability < MODEL_ALARM and reading.label not in kinds:
            kinds = [k for k in KINDS if k in {*kinds, reading.label}]
        return Alarm(tuple(kinds), by_words=True)
    if reading is not None and reading.none_probability < MODEL_ALARM:
        return Alarm((reading.label,), by_words=False)
    return None
