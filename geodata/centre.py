"""A filed childcare centre, and the rules every registry row must meet."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from geodata.policy import MAX_CHILD_AGE_MONTHS


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


class Mode(StrEnum):
    full_day = "full_day"
    half_day = "half_day"
    hourly = "hourly"
    temporary = "temporary"


class DemoLevel(StrEnum):
    national = "national"
    region = "region"
    city = "city"


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
    Status.closed: ("已注销/关闭", "closed"),
}
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

# China's bounding box, generous at the edges (Hainan's islands and Heilongjiang's tip included).
CHINA_LAT = (3.0, 54.0)
CHINA_LON = (73.0, 136.0)
MAX_AGE_MONTHS = MAX_CHILD_AGE_MONTHS

REQUIRED_FIELDS = ("id", "name", "address", "lat", "lon", "district_code", "kind", "inclusive", "status")
OPTIONAL_FIELDS = (
    "capacity", "vacancies", "min_age_months", "max_age_months", "modes", "phone", "hours",
    "fee_min", "fee_max", "filed_on", "inclusive_since", "demo_level", "operator", "credit_code",
    "health_eval_passed",
)
ALL_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS

TRUE_WORDS = {"true", "1", "yes", "y", "是", "普惠", "t"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "非普惠", "f"}
# The store's column widths: a longer value is the row's error, never a failed transaction.
MAX_LENGTHS = {"id": 64, "name": 200, "address": 300, "phone": 64, "hours": 120, "operator": 200}
MAX_PLACES = 100_000  # capacity and vacancies of one centre
MODE_SEPARATORS = re.compile(r"[;；,，、]")
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


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
    is_sample: bool = False
    updated_at: datetime | None = None

    @property
    def province_code(self) -> str:
        return self.district_code[:2] + "0000"

    def takes_age(self, age_months: int) -> bool:
        low = self.min_age_months if self.min_age_months is not None else 0
        high = self.max_age_months if self.max_age_months is not None else MAX_AGE_MONTHS
        return low <= age_months <= high

    @property
    def fee_span(self) -> str | None:
        """The monthly fee as a span of yuan ("1200–1800", "2200"); None when no fee is registered."""
        return span(self.fee_min, self.fee_max)

    @property
    def age_span(self) -> str:
        """The ages taken, in months ("6–36", "12"); an unregistered end is 0 or 36."""
        low = self.min_age_months if self.min_age_months is not None else 0
        high = self.max_age_months if self.max_age_months is not None else MAX_AGE_MONTHS
        return span(low, high) or ""


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


@dataclass
class RowError:
    """One field's problem, in words a registry clerk understands."""

    field: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.field}: {self.zh} / {self.en}"


@dataclass
class Checked:
    centre: Centre | None
    errors: list[RowError] = field(default_factory=list)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def check_row(raw: dict[str, Any], *, is_sample: bool = False) -> Checked:
    """Validate one registry row (already keyed by the contract's column names) into a Centre."""
    errors: list[RowError] = []

    def err(name: str, zh: str, en: str) -> None:
        errors.append(RowError(name, zh, en))

    check_present_and_short(raw, REQUIRED_FIELDS, MAX_LENGTHS, err)
    centre_id = _text(raw.get("id"))
    lat, lon = check_point_fields(raw, err)
    district = check_district_code(raw, err)

    kind = _choice(raw, "kind", Kind, "机构类型", err)
    status = _choice(raw, "status", Status, "状态", err)
    inclusive = _flag(raw, "inclusive", err)
    health_eval = _flag(raw, "health_eval_passed", err)

    capacity = _count(raw, "capacity", err)
    vacancies = _count(raw, "vacancies", err)
    for name, places in (("capacity", capacity), ("vacancies", vacancies)):
        if places is not None and places > MAX_PLACES:
            err(name, f"托位数 {places} 不合常理（最多 {MAX_PLACES}）",
                f"{places} places is implausible (at most {MAX_PLACES})")
    if capacity is not None and vacancies is not None and vacancies > capacity:
        err("vacancies", f"空余托位 {vacancies} 大于托位数 {capacity}",
            f"vacancies {vacancies} exceed capacity {capacity}")
    min_age = _count(raw, "min_age_months", err)
    max_age = _count(raw, "max_age_months", err)
    for name, age in (("min_age_months", min_age), ("max_age_months", max_age)):
        if age is not None and age > MAX_AGE_MONTHS:
            err(name, f"月龄 {age} 超出 0–36 个月", f"age {age} months is outside 0–36")
    if min_age is not None and max_age is not None and min_age > max_age:
        err("min_age_months", f"最小月龄 {min_age} 大于最大月龄 {max_age}",
            f"youngest age {min_age} is above oldest age {max_age}")

    modes: list[Mode] = []
    for part in MODE_SEPARATORS.split(_text(raw.get("modes"))):
        part = part.strip()
        if not part:
            continue
        try:
            modes.append(Mode(part))
        except ValueError:
            allowed = "、".join(m.value for m in Mode)
            err("modes", f"托育形式“{part}”无法识别，可选：{allowed}",
                f"unknown service form '{part}'; allowed: {allowed}")

    fee_min = _number(raw, "fee_min", err)
    fee_max = _number(raw, "fee_max", err)
    for name, fee in (("fee_min", fee_min), ("fee_max", fee_max)):
        if fee is not None and not 0 <= fee <= 1_000_000:
            err(name, "月收费应在 0 到 1,000,000 元之间", "the monthly fee must be 0 to 1,000,000 CNY")
    if fee_min is not None and fee_max is not None and fee_min > fee_max:
        err("fee_min", f"最低收费 {fee_min} 高于最高收费 {fee_max}", f"fee_min {fee_min} is above fee_max {fee_max}")

    filed_on = _date(raw, "filed_on", err)
    inclusive_since = _date(raw, "inclusive_since", err)
    demo_level = _choice(raw, "demo_level", DemoLevel, "示范等级", err)
    credit_code = _text(raw.get("credit_code")).upper() or None
    if credit_code and not CREDIT_CODE.match(credit_code):
        err("credit_code", f"统一社会信用代码“{credit_code}”格式不正确（应为18位）",
            f"'{credit_code}' is not an 18-character unified social credit code")

    if errors:
        return Checked(None, errors)
    assert lat is not None and lon is not None and kind and status and inclusive is not None
    return Checked(
        Centre(
            id=centre_id, name=_text(raw["name"]), address=_text(raw["address"]), lat=lat, lon=lon,
            district_code=district, kind=Kind(kind), inclusive=inclusive, status=Status(status),
            capacity=capacity, vacancies=vacancies, min_age_months=min_age, max_age_months=max_age,
            modes=tuple(dict.fromkeys(modes)), phone=_text(raw.get("phone")) or None,
            hours=_text(raw.get("hours")) or None, fee_min=fee_min, fee_max=fee_max, filed_on=filed_on,
            inclusive_since=inclusive_since, demo_level=DemoLevel(demo_level) if demo_level else None,
            operator=_text(raw.get("operator")) or None, credit_code=credit_code,
            health_eval_passed=health_eval, is_sample=is_sample,
        )
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


def _number(raw: dict[str, Any], name: str, err: Any) -> float | None:
    value = raw.get(name)
    if _blank(value):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        err(name, f"“{value}”不是数字", f"'{value}' is not a number")
        return None
    if number != number or number in (float("inf"), float("-inf")):
        err(name, f"“{value}”不是有效数字", f"'{value}' is not a finite number")
        return None
    return number


def _count(raw: dict[str, Any], name: str, err: Any) -> int | None:
    value = raw.get(name)
    if _blank(value):
        return None
    text = str(value).strip()
    if not re.fullmatch(r"-?\d+(\.0+)?", text):
        err(name, f"“{value}”应为整数", f"'{value}' is not a whole number")
        return None
    number = int(float(text))
    if number < 0:
        err(name, f"{number} 不能为负数", f"{number} cannot be negative")
        return None
    return number


def _flag(raw: dict[str, Any], name: str, err: Any) -> bool | None:
    value = raw.get(name)
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    err(name, f"“{value}”应为 true 或 false", f"'{value}' must be true or false")
    return None


def _choice(raw: dict[str, Any], name: str, enum: type[StrEnum], label: str, err: Any) -> str | None:
    value = _text(raw.get(name))
    if not value:
        return None
    if value in {m.value for m in enum}:
        return value
    allowed = "、".join(m.value for m in enum)
    err(name, f"{label}“{value}”无法识别，可选：{allowed}", f"unknown {name} '{value}'; allowed: {allowed}")
    return None


def _date(raw: dict[str, Any], name: str, err: Any) -> date | None:
    value = raw.get(name)
    if _blank(value):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        err(name, f"日期“{value}”应为 YYYY-MM-DD", f"date '{value}' must be YYYY-MM-DD")
        return None
