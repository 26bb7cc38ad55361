"""China's province-level divisions: code, full name and the short names people use."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from common import CHINA_TZ as CHINA_TZ  # the China clock lives in common; these names stay for old imports
from common import china_today as china_today


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    short: str
    name_en: str
    also: tuple[str, ...] = ()  # other short names people write (内蒙)


PROVINCES: tuple[Province, ...] = tuple(Province(*row) for row in (
    ("110000", "北京市", "北京", "Beijing"),
    ("120000", "天津市", "天津", "Tianjin"),
    ("130000", "河北省", "河北", "Hebei"),
    ("140000", "山西省", "山西", "Shanxi"),
    ("150000", "内蒙古自治区", "内蒙古", "Inner Mongolia", ("内蒙",)),
    ("210000", "辽宁省", "辽宁", "Liaoning"),
    ("220000", "吉林省", "吉林", "Jilin"),
    ("230000", "黑龙江省", "黑龙江", "Heilongjiang"),
    ("310000", "上海市", "上海", "Shanghai"),
    ("320000", "江苏省", "江苏", "Jiangsu"),
    ("330000", "浙江省", "浙江", "Zhejiang"),
    ("340000", "安徽省", "安徽", "Anhui"),
    ("350000", "福建省", "福建", "Fujian"),
    ("360000", "江西省", "江西", "Jiangxi"),
    ("370000", "山东省", "山东", "Shandong"),
    ("410000", "河南省", "河南", "Henan"),
    ("420000", "湖北省", "湖北", "Hubei"),
    ("430000", "湖南省", "湖南", "Hunan"),
    ("440000", "广东省", "广东", "Guangdong"),
    ("450000", "广西壮族自治区", "广西", "Guangxi"),
    ("460000", "海南省", "海南", "Hainan"),
    ("500000", "重庆市", "重庆", "Chongqing"),
    ("510000", "四川省", "四川", "Sichuan"),
    ("520000", "贵州省", "贵州", "Guizhou"),
    ("530000", "云南省", "云南", "Yunnan"),
    ("540000", "西藏自治区", "西藏", "Tibet"),
    ("610000", "陕西省", "陕西", "Shaanxi"),
    ("620000", "甘肃省", "甘肃", "Gansu"),
    ("630000", "青海省", "青海", "Qinghai"),
    ("640000", "宁夏回族自治区", "宁夏", "Ningxia"),
    ("650000", "新疆维吾尔自治区", "新疆", "Xinjiang"),
    ("710000", "台湾省", "台湾", "Taiwan"),
    ("810000", "香港特别行政区", "香港", "Hong Kong"),
    ("820000", "澳门特别行政区", "澳门", "Macao"),
))
BY_CODE = {p.code: p for p in PROVINCES}


def province_of(code: str) -> Province | None:
    """The province of a province, city or county code (its first two digits)."""
    if len(code) != 6 or not code.isdigit():
        return None
    return BY_CODE.get(code[:2] + "0000")


def find_province(text: str) -> Province | None:
    """Exact reading of a code, a full or short Chinese name, or an English name."""
    text = text.strip()
    if text.isdigit():
        return BY_CODE.get(text) if len(text) == 6 and text.endswith("0000") else None
    low = text.lower()
    for p in PROVINCES:
        if text in (p.name, p.short) or low == p.name_en.lower():
            return p
    return None


def suggest_provinces(text: str, limit: int = 3) -> list[Province]:
    """Close matches for a mistyped region, so that 山西 and 陕西 are told apart explicitly."""
    choices = {i: f"{p.name} {p.short} {p.name_en}" for i, p in enumerate(PROVINCES)}
    found = process.extract(text.strip(), choices, scorer=fuzz.partial_ratio, limit=limit, score_cutoff=40)
    return [PROVINCES[key] for _, _, key in found]


# Same pinyin (Shanxi / Shaanxi), different provinces: every answer names the other one explicitly.
CONFUSABLE: dict[str, str] = {"140000": "610000", "610000": "140000"}


class UnknownRegion(ValueError):
    """A region that is not a province: carries the close matches to offer the parent."""

    def __init__(self, text: str, suggestions: list[Province]) -> None:
        self.text = text
        self.suggestions = suggestions
        hint = "、".join(f"{p.name}（{p.code}）" for p in suggestions)
        super().__init__(f"未知地区“{text}”" + (f"，您是不是指：{hint}？" if hint else ""))


def resolve_province(text: str) -> Province:
    """A province from its code, full or short Chinese name or English name, or from a county or city code.

    Raises UnknownRegion, with close matches, when nothing fits exactly.
    """
    text = text.strip()
    found = find_province(text) or province_of(text)
    if found is None:
        suggestions = suggest_provinces(text) if text else []
        for twin in filter(None, map(confusable_with, list(suggestions))):
            if twin not in suggestions:
                suggestions.append(twin)
        raise UnknownRegion(text, suggestions)
    return found


def confusable_with(province: Province) -> Province | None:
    """The province that is easily mistaken for this one (山西 and 陕西), if any."""
    other = CONFUSABLE.get(province.code)
    return BY_CODE[other] if other else None
