"""Leave rules as data: one YAML file per jurisdiction in rules/, every figure dated and cited.

A file names its documents (title, issuer, date of effect) and lists figures that cite them. A figure's
dates default to its document's. A revision adds a document and its figures and gives the old document an
`until`: history is never deleted. Adding a province is adding a file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from itertools import pairwise
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from content.text import Text
from geodata.regions import BY_CODE

RULES_DIR = Path(__file__).parent / "rules"
NATIONAL = "national"


class Key(StrEnum):
    """What a figure is. Local figures with a national key replace the national one (广东 难产 30)."""

    maternity_base = "maternity_base"  # 98 days, national
    difficult_birth = "difficult_birth"  # 难产
    extra_baby = "extra_baby"  # each extra baby of a multiple birth
    miscarriage_early = "miscarriage_early"  # before 4 months of pregnancy
    miscarriage_late = "miscarriage_late"  # at 4 months or later
    maternity_extension = "maternity_extension"  # local extension (延长产假、生育假、奖励假)
    maternity_optional = "maternity_optional"  # extra leave that needs an application or the employer's consent
    paternity = "paternity"  # 配偶护理假、陪产假
    parental = "parental"  # 育儿假, each parent
    nursing_time = "nursing_time"  # 哺乳时间: paid time within each working day, until the child is one
    nursing_leave = "nursing_leave"  # 哺乳假: a provincial leave after maternity leave, where a rule exists


MATERNITY_KEYS = (Key.maternity_base, Key.difficult_birth, Key.extra_baby, Key.maternity_extension)


class Counting(StrEnum):
    """How the days of a maternity part run."""

    calendar = "calendar"  # calendar days, weekends and public holidays included
    push_back = "push_back"  # statutory public holidays do not count (遇法定节假日顺延)
    unknown = "unknown"  # not known: counted as calendar days, and the end date is an estimate


class Unit(StrEnum):
    days = "days"
    working_days = "working_days"


class CitedBy(BaseModel):
    """Another document that cites this one (the 杭锦旗 seed cites Inner Mongolia's 条例): shown second."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str = Field(min_length=1)
    number: str = Field(min_length=1)
    article: str = Field(min_length=1)


class DocumentSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    title: str = Field(min_length=1)
    issuer: str = Field(min_length=1)
    starts: date = Field(alias="from")
    until: date | None = None
    date_verified: bool = True
    note: Text | None = None
    cited_by: list[CitedBy] = []
    caveat: Text | None = None  # what a parent must read with every figure from this document


class FigureSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    key: Key
    document: str
    article: str = Field(min_length=1)
    verified: bool
    note: Text
    starts: date | None = Field(None, alias="from")
    until: date | None = None
    date_verified: bool | None = None
    days: int | None = Field(None, gt=0)
    by_birth_order: dict[int, int] | None = None
    days_per_year: int | None = Field(None, gt=0)
    until_age_years: int | None = Field(None, gt=0)
    unit: Unit = Unit.days
    counting: Counting | None = None
    condition: Text | None = None
    hours_per_day: int | None = Field(None, gt=0)
    extra_hours_per_baby: int | None = Field(None, ge=0)
    caveat: Text | None = None  # shown in the answer itself, not only in the basis; defaults to the document's

    @model_validator(mode="after")
    def _values_fit_the_key(self) -> FigureSpec:
        if self.key is Key.parental:
            if self.days_per_year is None or self.until_age_years is None:
                raise ValueError("parental needs days_per_year and until_age_years")
        elif self.key is Key.nursing_time:
            if self.hours_per_day is None or self.extra_hours_per_baby is None or self.until_age_years is None:
                raise ValueError("nursing_time needs hours_per_day, extra_hours_per_baby and until_age_years")
        elif self.key is Key.maternity_optional:
            if self.condition is None:
                raise ValueError("maternity_optional needs a condition")
        elif (self.days is None) == (self.by_birth_order is None):
            raise ValueError(f"{self.key} needs exactly one of days and by_birth_order")
        if self.by_birth_order is not None and self.key not in (Key.maternity_extension, Key.maternity_optional):
            raise ValueError("only maternity_extension and maternity_optional may depend on birth order")
        if self.by_birth_order and any(order < 1 or days < 1 for order, days in self.by_birth_order.items()):
            raise ValueError("by_birth_order maps a birth order (1, 2, 3 …) to a positive number of days")
        if self.key in MATERNITY_KEYS and self.counting is None:
            raise ValueError(f"{self.key} needs counting: calendar, push_back or unknown")
        return self


class JurisdictionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    name: str = Field(min_length=1)
    documents: dict[str, DocumentSpec]
    figures: list[FigureSpec]


@dataclass(frozen=True)
class Provision:
    """One figure with everything needed to cite it: the unit the calculator and the explanations use."""

    jurisdiction: str
    key: Key
    title: str
    issuer: str
    article: str
    starts: date
    until: date | None
    verified: bool
    date_verified: bool
    note: Text
    days: int | None
    by_birth_order: dict[int, int] | None
    days_per_year: int | None
    until_age_years: int | None
    unit: Unit
    counting: Counting
    condition: Text | None
    hours_per_day: int | None = None
    extra_hours_per_baby: int | None = None
    cited_by: tuple[CitedBy, ...] = ()
    caveat: Text | None = None

    def in_force_on(self, day: date) -> bool:
        return self.starts <= day and (self.until is None or day <= self.until)

    def days_for(self, birth_order: int) -> int | None:
        """The days for this birth order; None where the rule does not say."""
        if self.by_birth_order is None:
            return self.days
        return self.by_birth_order.get(birth_order)


class RuleError(ValueError):
    """A rules file that is unreadable or inconsistent: names the file and what is wrong."""


@dataclass(frozen=True)
class RuleBook:
    """All jurisdictions' provisions, chosen by the date they are in force."""

    names: dict[str, str]
    provisions: dict[str, tuple[Provision, ...]]

    def covers(self, code: str) -> bool:
        return code in self.provisions

    def earliest(self) -> date:
        return min(p.starts for p in self.provisions[NATIONAL])

    def in_force(self, code: str, on: date) -> dict[Key, Provision]:
        """National provisions in force on the date, replaced key by key by the province's own."""
        chosen: dict[Key, Provision] = {}
        for jurisdiction in (NATIONAL, code):
            for provision in self.provisions.get(jurisdiction, ()):
                if provision.in_force_on(on):
                    chosen[provision.key] = provision
        return chosen

    def all_provisions(self) -> list[Provision]:
        return [p for group in self.provisions.values() for p in group]


def _resolve(spec: JurisdictionSpec, source: Path) -> tuple[Provision, ...]:
    resolved = []
    for number, fig in enumerate(spec.figures, start=1):
        doc = spec.documents.get(fig.document)
        if doc is None:
            raise RuleError(f"{source.name}: figure {number} ({fig.key}) cites unknown document {fig.document!r}")
        starts = fig.starts or doc.starts
        until = fig.until if "until" in fig.model_fields_set else doc.until  # `until: null` = still in force
        if until is not None and until < starts:
            raise RuleError(f"{source.name}: figure {number} ({fig.key}) ends before it starts")
        resolved.append(Provision(
            jurisdiction=spec.code, key=fig.key, title=doc.title, issuer=doc.issuer, article=fig.article,
            starts=starts, until=until, verified=fig.verified,
            date_verified=doc.date_verified if fig.date_verified is None else fig.date_verified,
            note=fig.note, days=fig.days, by_birth_order=fig.by_birth_order, days_per_year=fig.days_per_year,
            until_age_years=fig.until_age_years, unit=fig.unit, counting=fig.counting or Counting.unknown,
            condition=fig.condition, hours_per_day=fig.hours_per_day, extra_hours_per_baby=fig.extra_hours_per_baby,
            cited_by=tuple(doc.cited_by), caveat=fig.caveat or doc.caveat,
        ))
    _refuse_overlaps(resolved, source)
    return tuple(resolved)


def _refuse_overlaps(provisions: list[Provision], source: Path) -> None:
    """Two figures for the same thing may never be in force on the same day."""
    by_key: dict[Key, list[Provision]] = defaultdict(list)
    for p in provisions:
        by_key[p.key].append(p)
    for key, group in by_key.items():
        group.sort(key=lambda p: p.starts)
        for earlier, later in pairwise(group):
            if earlier.until is None or earlier.until >= later.starts:
                raise RuleError(f"{source.name}: two {key} figures are in force on {later.starts}; "
                                f"give the older one an `until` before the newer one's `from`")


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_jurisdiction(path: Path) -> tuple[str, str, tuple[Provision, ...]]:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # libyaml's when built with it
        spec = JurisdictionSpec.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise RuleError(f"{path.name}: {exc}") from exc
    if spec.code != path.stem:
        raise RuleError(f"{path.name}: code {spec.code!r} does not match the file name")
    if spec.code != NATIONAL and spec.code not in BY_CODE:
        raise RuleError(f"{path.name}: {spec.code!r} is not a province-level code")
    return spec.code, spec.name, _resolve(spec, path)


def load_rules(directory: Path = RULES_DIR) -> RuleBook:
    """Reads and checks every rules file; a bad file raises RuleError naming it."""
    names: dict[str, str] = {}
    provisions: dict[str, tuple[Provision, ...]] = {}
    for path in sorted(directory.glob("*.yaml")):
        code, name, found = load_jurisdiction(path)
        names[code], provisions[code] = name, found
    if NATIONAL not in provisions:
        raise RuleError(f"{directory}: national.yaml (the national baseline) is missing")
    return RuleBook(names=names, provisions=provisions)


@cache
def bundled_rules() -> RuleBook:
    """The rules shipped with the package, read once."""
    return load_rules()
