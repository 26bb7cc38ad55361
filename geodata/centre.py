"""A filed childcare centre, and the rules every registry row must meet.

`check_row` turns one row (keyed by the contract's column names) into a Centre. A fault in a required field
rejects the row; a fault in an optional field drops only that field, with a warning. Every fault names the
field and the real problem (month 13, not "the format"), in Chinese and in English.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from geodata.policy import MAX_CHILD_AGE_MONTHS, VACANCIES_FRESH_DAYS
from geodata.regions import china_today


class Kind(StrEnum):
    centre = "centre"
    kindergarten_class = "kindergarten_class"
    home = "home"
    community = "community"
    workplace = "workplace"


class Status(StrEnum):
    active = "active"
    suspended = "suspended"
    closed = "closed"
    revoked = "revoked"  # filing withdrawn or struck off (撤销/注销备案)


class Mode(StrEnum):
    full_day = "full_day"
    half_day = "half_day"
    hourly = "hourly"
    temporary = "temporary"


class DemoLevel(StrEnum):
    national = "national"
    region = "region"
    city = "city"


class Ownership(StrEnum):
    public = "public"  # 公办
    private = "private"  # 民办
    employer = "employer"  # 单位办


KIND_LABELS = {
    Kind.centre: ("托育机构", "nursery"),
    Kind.kindergarten_class: ("幼儿园托班", "kindergarten class"),
    Kind.home: ("家庭托育点", "home-based point"),
    Kind.community: ("社区托育点", "community point"),
    Kind.workplace: ("用人单位福利性托育", "employer nursery"),
}
STATUS_LABELS = {
    Status.active: ("已备案，正常运营", "filed and operating"),
    Status.suspended: ("已备案，暂停服务", "filed, suspended"),
    Status.closed: ("已关闭，停止服务", "closed"),
    Status.revoked: ("备案已撤销", "filing revoked"),
}
# What each status means for a parent: shown by every check of a centre and on its own page.
STATUS_MEANINGS = {
    Status.active: ("已向县级卫生健康部门备案，可以开展托育服务。",
                    "Filed with the county health commission: it may provide childcare."),
    Status.suspended: ("暂停服务（例如正在整改），现在不接收孩子；恢复后会重新显示。",
                       "Suspended (for example while it puts things right): it takes no children now."),
    Status.closed: ("已停止托育服务，不再接收孩子。", "It has stopped providing childcare."),
    Status.revoked: ("备案已被撤销或注销，不得开展托育服务；如仍在收托，请拨打 12345 反映。",
                     "Its filing was withdrawn: it may not provide childcare. If it still takes children, "
                     "report it on the 12345 hotline."),
}
STAFF_ONLY = ("仅对本单位职工开放", "for the employer's staff only")
STAFF_ONLY_MEANING = ("这是用人单位为本单位职工举办的福利性托育，不对外招收，因此不在找托育的结果中显示。",
                      "An employer's nursery for its own staff: it does not take other children, so it is not "
                      "listed when parents look for childcare.")
MODE_LABELS = {
    Mode.full_day: ("全日托", "full day"),
    Mode.half_day: ("半日托", "half day"),
    Mode.hourly: ("计时托", "hourly"),
    Mode.temporary: ("临时托", "temporary"),
}
DEMO_LABELS = {
    DemoLevel.national: ("国家级示范", "national demonstration"),
    DemoLevel.region: ("自治区/省级示范", "regional demonstration"),
    DemoLevel.city: ("市级示范", "city demonstration"),
}
OWNERSHIP_LABELS = {
    Ownership.public: ("公办", "public"),
    Ownership.private: ("民办", "private"),
    Ownership.employer: ("单位办", "employer-run"),
}
FLAG_WORDS = ("是", "否")  # what a Chinese list writes for true/false
# The Chinese words clerks type for values (a row of codes never looks here).
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "kind": {"托育机构": "centre", "幼儿园托班": "kindergarten_class", "托班": "kindergarten_class",
             "家庭托育点": "home", "社区托育点": "community", "用人单位福利性托育": "workplace",
             "单位托育": "workplace"},
    "status": {"正常": "active", "运营": "active", "在营": "active", "正常运营": "active", "已备案": "active",
               "暂停": "suspended", "停业": "suspended", "暂停服务": "suspended",
               "注销": "closed", "关闭": "closed", "已关闭": "closed", "停办": "closed", "终止": "closed",
               "撤销": "revoked", "撤销备案": "revoked", "注销备案": "revoked", "已撤销": "revoked",
               "取消备案": "revoked", "吊销": "revoked"},
    "demo_level": {"国家级": "national", "国家": "national", "自治区级": "region", "省级": "region",
                   "市级": "city"},
    "ownership": {"公办": "public", "民办": "private", "单位办": "employer", "用人单位": "employer",
                  "企事业单位办": "employer"},
    "modes": {"全日托": "full_day", "半日托": "half_day", "计时托": "hourly", "临时托": "temporary"},
}
# Fast paths for the values nearly every row has: exact codes, looked up without parsing.
ENUM_VALUES: dict[type[StrEnum], dict[str, Any]] = {
    enum: {m.value: m for m in enum} for enum in (Kind, Status, Mode, DemoLevel, Ownership)}
FAST_FLAGS = {"true": True, "false": False, "是": True, "否": False, "1": True, "0": False,
              "TRUE": True, "FALSE": False, "True": True, "False": False}

# China's bounding box, generous at the edges (Hainan's islands and Heilongjiang's tip included).
CHINA_LAT = (3.0, 54.0)
CHINA_LON = (73.0, 136.0)
MAX_AGE_MONTHS = MAX_CHILD_AGE_MONTHS

REQUIRED_FIELDS = ("id", "name", "address", "lat", "lon", "district_code", "kind", "inclusive", "status")
OPTIONAL_FIELDS = (
    "capacity", "vacancies", "min_age_months", "max_age_months", "modes", "phone", "hours",
    "fee_min", "fee_max", "filed_on", "inclusive_since", "demo_level", "operator", "credit_code",
    "health_eval_passed", "ownership", "open_to_public", "enrolled", "inspected_on", "vacancies_updated_on",
)
ALL_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
# Each field's name in Chinese, as a clerk's list heads it (the first Chinese header accepted for it).
FIELD_LABELS = {
    "id": "备案编号", "name": "机构名称", "address": "地址", "lat": "纬度", "lon": "经度", "lat/lon": "经纬度",
    "district_code": "行政区划代码", "kind": "机构类型", "inclusive": "是否普惠", "status": "状态",
    "capacity": "托位数", "vacancies": "空余托位", "min_age_months": "最小月龄", "max_age_months": "最大月龄",
    "modes": "托育形式", "phone": "联系电话", "hours": "服务时间", "fee_min": "最低收费", "fee_max": "最高收费",
    "filed_on": "备案日期", "inclusive_since": "普惠认定日期", "demo_level": "示范等级", "operator": "举办者",
    "credit_code": "统一社会信用代码", "health_eval_passed": "卫生评价", "ownership": "举办性质",
    "open_to_public": "是否对外开放", "enrolled": "实际入托数", "inspected_on": "现场勘验日期",
    "vacancies_updated_on": "空位更新日期",
}

TRUE_WORDS = {"true", "1", "yes", "y", "是", "普惠", "t", "对外开放", "开放"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "非普惠", "f", "不对外开放", "仅本单位", "仅限本单位职工"}
# The store's column widths: a longer value is the row's error, never a failed transaction.
MAX_LENGTHS = {"id": 64, "name": 200, "address": 300, "phone": 64, "hours": 120, "operator": 200}
MAX_PLACES = 100_000  # capacity, vacancies and enrolled children of one centre
MAX_FEE = 1_000_000
MAX_DIGITS = 20  # a number written with more characters than this is a fault, never parsed
MODE_SEPARATORS = re.compile(r"[;；,，、/]")
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Text that needs no cleaning has none of these (nor spaces at either end).
NEEDS_CLEANING = re.compile(r"[\x00-\x1f\x7f-\xa0\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\u3000\ufeff\ufffd]|\s\s")
# Control characters (NUL included), zero-width and direction marks: never kept in a name or an address.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
SPACES = re.compile(r"\s+")
THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
DATE_PARTS = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                        r"(?:[T\s]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")  # Excel's CSV adds a time
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
EXCEL_EPOCH = date(1899, 12, 30)
EARLIEST_YEAR = 1949
BAD = object()  # a value that cannot be a field at all (a nested structure in GeoJSON): reported as such


@dataclass(frozen=True)
class Centre:
    id: str
    name: str
    address: str
    lat: float
    lon: float
    district_code: str
    kind: Kind
    inclusive: bool
    status: Status
    capacity: int | None = None
    vacancies: int | None = None
    min_age_months: int | None = None
    max_age_months: int | None = None
    modes: tuple[Mode, ...] = ()
    phone: str | None = None
    hours: str | None = None
    fee_min: float | None = None
    fee_max: float | None = None
    filed_on: date | None = None
    inclusive_since: date | None = None
    demo_level: DemoLevel | None = None
    operator: str | None = None
    credit_code: str | None = None
    health_eval_passed: bool | None = None
    ownership: Ownership | None = None
    open_to_public: bool = True  # False: a workplace nursery for its own staff only
    enrolled: int | None = None  # 实际入托数
    inspected_on: date | None = None  # 现场勘验: the site inspection before filing
    vacancies_updated_on: date | None = None
    is_sample: bool = False
    updated_at: datetime | None = None

    @property
    def province_code(self) -> str:
        return self.district_code[:2] + "0000"

    @property
    def offered(self) -> bool:
        """Whether parents are offered this centre (nearest, lists, the bot): active and open to the public."""
        return self.status is Status.active and self.open_to_public

    def takes_age(self, age_months: int) -> bool:
        low = self.min_age_months if self.min_age_months is not None else 0
        high = self.max_age_months if self.max_age_months is not None else MAX_AGE_MONTHS
        return low <= age_months <= high

    def vacancies_fresh(self, today: date) -> bool:
        """The vacancy count was updated within the last 30 days (older counts may be stale)."""
        updated = self.vacancies_updated_on
        return updated is not None and today - updated <= timedelta(days=VACANCIES_FRESH_DAYS)

    def has_free_places(self, today: date) -> bool:
        """Counts for "有空位": free places recorded, and recorded recently."""
        return (self.vacancies or 0) > 0 and self.vacancies_fresh(today)

    @property
    def fee_span(self) -> str | None:
        """The monthly fee as a span of yuan ("1200–1800", "2200"); None when no fee is registered."""
        return span(self.fee_min, self.fee_max)

    @property
    def lowest_fee(self) -> float | None:
        """The lowest monthly fee registered (its only fee when one end is missing); None when none is."""
        return self.fee_min if self.fee_min is not None else self.fee_max

    @property
    def age_span(self) -> str:
        """The ages taken, in months ("6–36", "12"); an unregistered end is 0 or 36."""
        low = self.min_age_months if self.min_age_months is not None else 0
        high = self.max_age_months if self.max_age_months is not None else MAX_AGE_MONTHS
        return span(low, high) or ""


@dataclass(frozen=True)
class FeeRange:
    """What a set of centres charges a month, as they registered it: the lowest and highest of their fees."""

    low: float
    high: float
    centres: int  # how many of them registered a fee

    @property
    def span(self) -> str:
        return span(self.low, self.high) or ""


def fee_range(centres: Iterable[Centre]) -> FeeRange | None:
    """The span of the fees the centres registered; None when none registered one."""
    ends = [(c.lowest_fee, c.fee_max if c.fee_max is not None else c.fee_min)
            for c in centres if c.lowest_fee is not None]
    if not ends:
        return None
    return FeeRange(min(low for low, _ in ends if low is not None), max(high for _, high in ends if high is not None),
                    len(ends))


def span(low: float | None, high: float | None) -> str | None:
    """Two ends of a range as people read them: "1200–1800"; "2200" when both ends are the same (never
    "2200–2200"); "≥1200" or "≤1800" when one end is unknown; None when both are."""
    if low is None and high is None:
        return None
    if low is None:
        return f"≤{high:g}"
    if high is None:
        return f"≥{low:g}"
    return f"{low:g}" if low == high else f"{low:g}–{high:g}"


def status_meaning(centre: Centre) -> tuple[str, str]:
    """What a parent should know about this centre's standing, in Chinese and English."""
    if centre.status is Status.active and not centre.open_to_public:
        return STAFF_ONLY_MEANING
    return STATUS_MEANINGS[centre.status]


@dataclass
class RowError:
    """One field's problem, in words a registry clerk understands."""

    field: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.field}: {self.zh} / {self.en}"

    def text(self, lang: str) -> str:
        """Chinese for a Chinese list (its own column names), both languages otherwise."""
        if lang == "zh":
            return f"{FIELD_LABELS.get(self.field, self.field)}：{self.zh}"
        return str(self)


@dataclass
class Checked:
    centre: Centre | None
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # optional fields left out


# Where a check reports a fault: err(field, Chinese, English).
Problems = Callable[[str, str, str], None]


class _Problems:
    """Collects the faults of one row; a fault in an optional field is a warning."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []

    def __call__(self, name: str, zh: str, en: str) -> None:
        required = name in REQUIRED_FIELDS or name == "lat/lon"
        (self.errors if required else self.warnings).append(RowError(name, zh, en))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _plain(value: Any) -> str:
    """A cell as text: full-width digits and letters made plain (NFKC), outer spaces removed."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.strip()


def clean_text(value: Any) -> str:
    """Free text for names and addresses: control characters and direction marks out, runs of space one."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = SPACES.sub(" ", text)
    return (CONTROL.sub("", text) if CONTROL.search(text) else text).strip()


def check_row(raw: dict[str, Any], *, is_sample: bool = False, today: date | None = None) -> Checked:
    """Validate one registry row (already keyed by the contract's column names) into a Centre.

    A row whose id starts with `SAMPLE-` is sample data wherever it is stored."""
    today = today or china_today()
    err = _Problems()

    for name in REQUIRED_FIELDS:
        value = raw.get(name)
        if value.__class__ is str and value and not value[0].isspace():
            continue
        if value is BAD:
            err(name, "应为文字或数字，而不是嵌套的结构", "must be text or a number, not a nested structure")
        elif _blank(value):
            err(name, "必填项为空", "is required but empty")

    centre_id = _identifier(raw.get("id"), err)
    name = _free_text(raw, "name", err)
    address = _free_text(raw, "address", err)
    phone = _free_text(raw, "phone", err) or None
    hours = _free_text(raw, "hours", err) or None
    operator = _free_text(raw, "operator", err) or None

    lat = _number(raw, "lat", err)
    lon = _number(raw, "lon", err)
    if lat is not None and not -90 <= lat <= 90:
        err("lat", f"纬度 {lat:g} 超出 -90 至 90", f"latitude {lat:g} is outside -90..90")
        lat = None
    if lon is not None and not -180 <= lon <= 180:
        err("lon", f"经度 {lon:g} 超出 -180 至 180", f"longitude {lon:g} is outside -180..180")
        lon = None
    if lat is not None and lon is not None and not (
        CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LON[0] <= lon <= CHINA_LON[1]
    ):
        err("lat/lon", f"坐标 ({lat}, {lon}) 不在中国境内，请检查是否填反了经纬度",
            f"point ({lat}, {lon}) is outside China; are lat and lon swapped?")

    district = raw.get("district_code")
    if district.__class__ is not str or len(district) != 6 or not district.isdigit() or not district.isascii():
        district = _code_text(district)
        if district and raw.get("district_code") is not BAD and not re.fullmatch(r"\d{6}", district):
            err("district_code", f"“{_shown(district)}”应为6位数字，这里是 {len(district)} 个字符",
                f"'{_shown(district)}' is not a 6-digit division code")

    kind = _choice(raw, "kind", Kind, KIND_LABELS, err)
    status = _choice(raw, "status", Status, STATUS_LABELS, err)
    inclusive = _flag(raw, "inclusive", err)
    health_eval = _flag(raw, "health_eval_passed", err)
    open_to_public = _flag(raw, "open_to_public", err)
    demo_level = _choice(raw, "demo_level", DemoLevel, DEMO_LABELS, err)
    ownership = _choice(raw, "ownership", Ownership, OWNERSHIP_LABELS, err)

    capacity = _places(raw, "capacity", err)
    vacancies = _places(raw, "vacancies", err)
    enrolled = _places(raw, "enrolled", err)
    if capacity is not None and vacancies is not None and vacancies > capacity:
        err("vacancies", f"空余托位 {vacancies} 大于托位数 {capacity}",
            f"vacancies {vacancies} exceed capacity {capacity}")
        vacancies = None
    if capacity is not None and enrolled is not None and enrolled > capacity:
        err("enrolled", f"实际入托数 {enrolled} 大于托位数 {capacity}",
            f"enrolled {enrolled} exceed capacity {capacity}")
        enrolled = None
    min_age = _age(raw, "min_age_months", err)
    max_age = _age(raw, "max_age_months", err)
    if min_age is not None and max_age is not None and min_age > max_age:
        err("min_age_months", f"最小月龄 {min_age} 大于最大月龄 {max_age}，两项都未导入",
            f"youngest age {min_age} is above oldest age {max_age}; neither was imported")
        min_age = max_age = None

    modes = _modes(raw, err)
    fee_min = _fee(raw, "fee_min", err)
    fee_max = _fee(raw, "fee_max", err)
    if fee_min is not None and fee_max is not None and fee_min > fee_max:
        err("fee_min", f"最低收费 {fee_min:g} 高于最高收费 {fee_max:g}，两项都未导入",
            f"fee_min {fee_min:g} is above fee_max {fee_max:g}; neither was imported")
        fee_min = fee_max = None

    filed_on = _date(raw, "filed_on", err, today)
    inclusive_since = _date(raw, "inclusive_since", err, today)
    inspected_on = _date(raw, "inspected_on", err, today)
    vacancies_on = _date(raw, "vacancies_updated_on", err, today)
    credit_code = _credit_code(raw, err)

    if err.errors:
        return Checked(None, err.errors, err.warnings)
    assert lat is not None and lon is not None and kind and status and inclusive is not None
    return Checked(
        make_centre(
            id=centre_id, name=name, address=address, lat=lat, lon=lon,
            district_code=district, kind=ENUM_VALUES[Kind][kind], inclusive=inclusive,
            status=ENUM_VALUES[Status][status], capacity=capacity, vacancies=vacancies, min_age_months=min_age,
            max_age_months=max_age, modes=tuple(dict.fromkeys(modes)), phone=phone, hours=hours, fee_min=fee_min,
            fee_max=fee_max, filed_on=filed_on, inclusive_since=inclusive_since,
            demo_level=ENUM_VALUES[DemoLevel][demo_level] if demo_level else None, operator=operator,
            credit_code=credit_code, health_eval_passed=health_eval,
            ownership=ENUM_VALUES[Ownership][ownership] if ownership else None,
            open_to_public=True if open_to_public is None else open_to_public, enrolled=enrolled,
            inspected_on=inspected_on, vacancies_updated_on=vacancies_on if vacancies is not None else None,
            is_sample=is_sample or centre_id.startswith("SAMPLE-"), updated_at=None,
        ),
        [], err.warnings,
    )


def check_present_and_short(raw: dict[str, Any], required: tuple[str, ...], max_lengths: dict[str, int],
                            err: Any) -> None:
    """Every required field is filled in, and no field is longer than its column in the store."""
    for name in required:
        if _blank(raw.get(name)):
            err(name, "必填项为空", "is required but empty")
    for name, longest in max_lengths.items():
        if len(_text(raw.get(name))) > longest:
            err(name, f"内容过长（最多 {longest} 个字符）", f"is longer than {longest} characters")


def check_point_fields(raw: dict[str, Any], err: Any) -> tuple[float | None, float | None]:
    """The row's `lat` and `lon`: numbers in range, and in China (a swapped pair is the commonest slip)."""
    lat = _number(raw, "lat", err)
    lon = _number(raw, "lon", err)
    if lat is not None and not -90 <= lat <= 90:
        err("lat", f"纬度 {lat} 超出 -90 至 90", f"latitude {lat} is outside -90..90")
        lat = None
    if lon is not None and not -180 <= lon <= 180:
        err("lon", f"经度 {lon} 超出 -180 至 180", f"longitude {lon} is outside -180..180")
        lon = None
    if lat is not None and lon is not None and not (
        CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LON[0] <= lon <= CHINA_LON[1]
    ):
        err("lat/lon", f"坐标 ({lat}, {lon}) 不在中国境内，请检查是否填反了经纬度",
            f"point ({lat}, {lon}) is outside China; are lat and lon swapped?")
    return lat, lon


def check_district_code(raw: dict[str, Any], err: Any) -> str:
    """The row's 6-digit division code, or "" when it is blank."""
    district = _text(raw.get("district_code"))
    if district and not re.fullmatch(r"\d{6}", district):
        err("district_code", f"行政区划代码“{district}”应为6位数字", f"'{district}' is not a 6-digit division code")
    return district


CENTRE_FIELDS = frozenset(Centre.__dataclass_fields__)


def make_centre(**values: Any) -> Centre:
    """A Centre from every one of its fields, already checked: the import's fast path (a frozen dataclass's
    __init__ sets 31 attributes one by one, which costs as much as checking the row)."""
    if values.keys() != CENTRE_FIELDS:
        return Centre(**values)
    centre = object.__new__(Centre)
    centre.__dict__.update(values)
    return centre


def _shown(text: str, longest: int = 40) -> str:
    """A value quoted back in a message: cut short, and without control characters."""
    text = CONTROL.sub("?", text)
    return text if len(text) <= longest else text[:longest] + f"…（共 {len(text)} 个字符）"


def _nested(raw: dict[str, Any], name: str, err: Problems) -> bool:
    if raw.get(name) is BAD:
        if name not in REQUIRED_FIELDS:  # a required field's is reported with the other required checks
            err(name, "应为文字或数字，而不是嵌套的结构", "must be text or a number, not a nested structure")
        return True
    return False


def _identifier(value: Any, err: Problems) -> str:
    if value.__class__ is str and len(value) <= MAX_LENGTHS["id"] and value.isascii() \
            and not NEEDS_CLEANING.search(value):
        return value
    if value is BAD or _blank(value):
        return ""
    text = _code_text(value)
    if CONTROL.search(text) or "\ufffd" in text:
        err("id", "含有控制字符或无法识别的字符（文件编码可能有误）",
            "contains control or unreadable characters (is the file's encoding right?)")
    elif len(text) > MAX_LENGTHS["id"]:
        err("id", f"内容过长（最多 {MAX_LENGTHS['id']} 个字符，这里是 {len(text)} 个）",
            f"is longer than {MAX_LENGTHS['id']} characters")
    return text


def _free_text(raw: dict[str, Any], name: str, err: Problems) -> str:
    value = raw.get(name)
    if value is None or value == "":
        return ""
    if value.__class__ is str and len(value) <= MAX_LENGTHS[name] and not NEEDS_CLEANING.search(value):
        return value
    if _nested(raw, name, err):
        return ""
    if _blank(value):
        return ""
    text = clean_text(value)
    if "\ufffd" in text:
        err(name, "含有无法识别的字符（文件编码可能有误）",
            "contains unreadable characters (is the file's encoding right?)")
        return ""
    longest = MAX_LENGTHS[name]
    if len(text) > longest:
        err(name, f"内容过长（最多 {longest} 个字符，这里是 {len(text)} 个）", f"is longer than {longest} characters")
        return ""
    return text


def _code_text(value: Any) -> str:
    """A code written as a number (Excel's 150627.0) reads as its digits."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if value is BAD:
        return ""
    return _plain(value)


def _number(raw: dict[str, Any], name: str, err: Problems) -> float | None:
    value = raw.get(name)
    if value is None or value == "":
        return None
    if value.__class__ is str and 0 < len(value) <= MAX_DIGITS:
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if math.isfinite(number):
                return number
    if _nested(raw, name, err):
        return None
    if _blank(value):
        return None
    if isinstance(value, bool):
        err(name, f"应为数字，而不是 {'是' if value else '否'}", f"must be a number, not {value}")
        return None
    if isinstance(value, int | float):
        number = float(value) if abs(value) < 1e300 else math.inf
    else:
        text = _plain(value)
        if "," in text and THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        if len(text) > MAX_DIGITS:
            err(name, f"数字过长（{len(text)} 个字符）", f"a number of {len(text)} characters is not valid")
            return None
        try:
            number = float(text)
        except ValueError:
            err(name, f"“{_shown(text)}”不是数字", f"'{_shown(text)}' is not a number")
            return None
    if not math.isfinite(number):
        err(name, f"“{_shown(str(value))}”不是有效数字", f"'{_shown(str(value))}' is not a finite number")
        return None
    return number


def _count(raw: dict[str, Any], name: str, err: Problems) -> int | None:
    """A whole number ≥ 0."""
    value = raw.get(name)
    if value is None or value == "":
        return None
    if value.__class__ is str and 0 < len(value) <= 15 and value.isdigit() and value.isascii():
        return int(value)
    if _nested(raw, name, err):
        return None
    if _blank(value):
        return None
    if isinstance(value, bool):
        err(name, "应为整数", "must be a whole number")
        return None
    text = _code_text(value) if isinstance(value, float) else _plain(value)
    if len(text) > MAX_DIGITS:
        err(name, f"数字过长（{len(text)} 位）", f"a number of {len(text)} digits is too long")
        return None
    if not re.fullmatch(r"-?\d+(\.0+)?", text):
        if re.fullmatch(r"-?\d*\.\d+", text):
            err(name, f"应为整数，而不是 {text}", f"must be a whole number, not {text}")
        else:
            err(name, f"“{_shown(text)}”应为整数", f"'{_shown(text)}' is not a whole number")
        return None
    number = int(text.split(".")[0])
    if number < 0:
        err(name, f"{number} 不能为负数", f"{number} cannot be negative")
        return None
    return number


def _places(raw: dict[str, Any], name: str, err: Problems) -> int | None:
    places = _count(raw, name, err)
    if places is not None and places > MAX_PLACES:
        err(name, f"{places} 不合常理（最多 {MAX_PLACES}）", f"{places} is implausible (at most {MAX_PLACES})")
        return None
    return places


def _age(raw: dict[str, Any], name: str, err: Problems) -> int | None:
    age = _count(raw, name, err)
    if age is not None and age > MAX_AGE_MONTHS:
        err(name, f"月龄 {age} 超出 0–36 个月", f"age {age} months is outside 0–36")
        return None
    return age


def _fee(raw: dict[str, Any], name: str, err: Problems) -> float | None:
    fee = _number(raw, name, err)
    if fee is not None and not 0 <= fee <= MAX_FEE:
        err(name, f"月收费 {fee:g} 元应在 0 到 1,000,000 元之间", f"the monthly fee {fee:g} must be 0 to 1,000,000 CNY")
        return None
    return fee


def _flag(raw: dict[str, Any], name: str, err: Problems) -> bool | None:
    value = raw.get(name)
    if value is None or value == "":
        return None
    if value.__class__ is str:
        fast = FAST_FLAGS.get(value)
        if fast is not None:
            return fast
    if _nested(raw, name, err):
        return None
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = _plain(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    err(name, f"“{_shown(word)}”应为“是”或“否”", f"'{_shown(word)}' must be true or false")
    return None


def _choice(raw: dict[str, Any], name: str, enum: type[StrEnum], labels: dict[Any, tuple[str, str]],
            err: Problems) -> str | None:
    value = raw.get(name)
    if value is None or value == "":
        return None
    if value.__class__ is str and value in ENUM_VALUES[enum]:
        return value
    if _nested(raw, name, err):
        return None
    value = _plain(value)
    if not value:
        return None
    value = VALUE_ALIASES.get(name, {}).get(value, value)
    if value in ENUM_VALUES[enum]:
        return value
    chinese = "、".join(labels[m][0] for m in enum)
    codes = ", ".join(m.value for m in enum)
    err(name, f"“{_shown(value)}”无法识别，可选：{chinese}", f"unknown {name} '{_shown(value)}'; allowed: {codes}")
    return None


def _modes(raw: dict[str, Any], err: Problems) -> list[Mode]:
    value = raw.get("modes")
    if value.__class__ is str:
        known = ENUM_VALUES[Mode]
        if not value:
            return []
        parts = value.split(";")
        if all(p in known for p in parts):
            return [known[p] for p in parts]
    if _nested(raw, "modes", err):
        return []
    modes: list[Mode] = []
    unknown: list[str] = []
    for part in MODE_SEPARATORS.split(_plain(raw.get("modes"))):
        part = part.strip()
        if not part:
            continue
        part = VALUE_ALIASES["modes"].get(part, part)
        try:
            modes.append(Mode(part))
        except ValueError:
            unknown.append(part)
    if unknown:
        chinese = "、".join(label[0] for label in MODE_LABELS.values())
        codes = ", ".join(m.value for m in Mode)
        bad = "、".join(_shown(u, 20) for u in unknown[:3])
        err("modes", f"“{bad}”无法识别，可选：{chinese}", f"unknown service form '{bad}'; allowed: {codes}")
        return []
    return modes


def parse_date(value: Any, today: date | None = None) -> tuple[date | None, tuple[str, str] | None]:
    """A date as registry lists write it (2024-03-01, 2024/3/1, 2024年3月1日, 20240301, an Excel date),
    or the real fault with it: (None, (zh, en))."""
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not (math.isfinite(value) and 1 <= value < 2_958_466 and float(value).is_integer()):
            return None, (f"“{value}”不是日期", f"'{value}' is not a date")
        found = EXCEL_EPOCH + timedelta(days=int(value))  # an Excel serial date
        text = found.isoformat()
    else:
        text = _plain(value)
        match = DATE_PARTS.match(text) or COMPACT_DATE.match(text)
        if not match:
            return None, (f"无法识别的日期“{_shown(text)}”，应写作 YYYY-MM-DD（如 2024-03-01）",
                          f"'{_shown(text)}' is not a date; write YYYY-MM-DD (e.g. 2024-03-01)")
        year, month, day = (int(part) for part in match.groups())
        if not 1 <= month <= 12:
            return None, (f"日期“{text}”的月份 {month} 不存在（应为 1–12）",
                          f"date '{text}' has month {month}, which does not exist (1–12)")
        last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day if 1 <= year <= 9998 else 31
        if not 1 <= day <= last:
            return None, (f"日期“{text}”不存在：{year}年{month}月只有 {last} 天",
                          f"date '{text}' does not exist: {year}-{month:02d} has {last} days")
        found = date(year, month, day) if year >= 1 else date.min
    if found.year < EARLIEST_YEAR:
        year = int(text[:4])
        return None, (f"日期“{text}”的年份 {year} 不合常理", f"date '{text}': the year {year} is implausible")
    if today is not None and found > today + timedelta(days=1):
        return None, (f"日期 {found.isoformat()} 晚于今天", f"date {found.isoformat()} is in the future")
    return found, None


def _date(raw: dict[str, Any], name: str, err: Problems, today: date) -> date | None:
    value = raw.get(name)
    if value is None or value == "":
        return None
    if value.__class__ is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            quick = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if quick.year >= EARLIEST_YEAR and quick <= today:
                return quick
    if _nested(raw, name, err):
        return None
    if _blank(value):
        return None
    found, fault = parse_date(value, today)
    if fault:
        err(name, *fault)
    return found


def credit_check_char(code: str) -> str:
    """The 18th character of a unified social credit code, computed from the first 17 (GB 32100-2015)."""
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(code[:17], CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def credit_code_fault(code: str) -> tuple[str, str] | None:
    """What is wrong with a unified social credit code (already upper case, without spaces), if anything."""
    if re.fullmatch(r"\d+(\.\d+)?E\+?\d+", code):
        return (f"“{code}”是被 Excel 存成数字后的样子，位数已经丢失；请把这一列设为“文本”后重新填写",
                f"'{code}' is how Excel shows a number: digits were lost; format the column as text and re-enter it")
    if len(code) != 18:
        return (f"应为18位，这里是 {len(code)} 位（“{_shown(code)}”）",
                f"must have 18 characters, not {len(code)} ('{_shown(code)}')")
    for position, char in enumerate(code, start=1):
        if char not in CREDIT_CHARS:
            return (f"第 {position} 位“{_shown(char)}”不是统一社会信用代码使用的字符（不含 I、O、S、V、Z）",
                    f"character {position} '{_shown(char)}' is not used in credit codes (no I, O, S, V, Z)")
    if not code[2:8].isdigit():
        return ("第 3–8 位应为登记管理机关的行政区划代码（数字）", "characters 3–8 must be a division code (digits)")
    expected = credit_check_char(code)
    if code[17] != expected:
        return (f"校验位不符：按前 17 位算应为“{expected}”，这里是“{code[17]}”，请核对是否抄错",
                f"the check character should be '{expected}' from the first 17, not '{code[17]}': is it mistyped?")
    return None


def _credit_code(raw: dict[str, Any], err: Problems) -> str | None:
    value = raw.get("credit_code")
    if value == "" or value is None:
        return None
    if _nested(raw, "credit_code", err):
        return None
    if _blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        err("credit_code", f"统一社会信用代码被存成了数字（{value:g}），位数已经丢失；请把这一列设为“文本”后重新填写",
            f"the credit code was stored as a number ({value:g}) and lost digits; format the column as text")
        return None
    code = re.sub(r"[\s\-]", "", _plain(value)).upper()
    fault = credit_code_fault(code)
    if fault:
        err("credit_code", *fault)
        return None
    return code
