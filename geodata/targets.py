"""Coverage targets as data: one YAML file per region in targets/, every figure with its document and article.

In the style of content/leave/rules/: a file names its documents (number, title, issuer, date issued) and lists the
targets that cite them, each with the figure, its unit (and whether the unit is stated or inferred), the date it is
due by, the words it quotes, and what it measures. Adding a region is adding a file named by its 6-digit code.

A region's figures are checked against its own file and those of the regions above it (a county against its city's
and province's targets too): 盐湖区 is held to 运城's per-1,000 standards, each marked with the region that set it.
Targets that no figure here can measure (parents' knowledge of child care, kindergarten classes) are listed apart,
so that the report says what it cannot check instead of leaving it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bilingual import Text  # a target's name, unit and note: {zh, en} in the data file

TARGETS_DIR = Path(__file__).parent / "targets"
DEFAULT_CIRCLE_MINUTES = 15


class Measure(StrEnum):
    """What a target is checked against (the figures of geodata/coverage.py, defined in the README)."""

    places_per_1000 = "places_per_1000"  # places of active centres in the region per 1,000 residents
    places_per_1000_new = "places_per_1000_new"  # places reaching new residential areas, per 1,000 of their people
    places_per_1000_old = "places_per_1000_old"  # the same for old (已建成) areas
    inclusive_share = "inclusive_share"  # inclusive places ÷ places
    coverage = "coverage"  # share of the population within the walk of a centre with places
    urban_coverage = "urban_coverage"  # share of urban areas (城市社区) within the walk
    area_coverage = "area_coverage"  # share of all areas, urban and rural, within the walk
    towns_without_inclusive = "towns_without_inclusive"  # 乡镇/街道 with no inclusive centre


SHARES = frozenset({Measure.inclusive_share, Measure.coverage, Measure.urban_coverage, Measure.area_coverage})


class Compare(StrEnum):
    at_least = "at_least"
    at_most = "at_most"


class DocumentSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    number: str = Field(min_length=1)  # 文号, e.g. 伊政办发〔2024〕28号
    title: str = Field(min_length=1)
    issuer: str = Field(min_length=1)
    issued: date


class TargetSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    measure: Measure
    name: Text
    document: str
    article: str = Field(min_length=1)
    quote: str = Field(min_length=1)  # the document's own words
    figure: float = Field(ge=0)
    unit: Text
    unit_inferred: bool = False  # the document does not state the unit; the file says how it was read
    compare: Compare = Compare.at_least
    by: date | None = None  # due by this date; None: a standard with no deadline
    note: Text | None = None


class UnmeasuredSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Text
    document: str
    article: str = Field(min_length=1)
    quote: str = Field(min_length=1)
    figure: str = Field(min_length=1)
    by: date | None = None
    reason: Text


class RegionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^\d{6}$")
    name: str = Field(min_length=1)
    circle_minutes: int = Field(DEFAULT_CIRCLE_MINUTES, ge=1, le=60)
    circle_source: str | None = None  # where the walk comes from ("着力打造15分钟托育服务圈")
    documents: dict[str, DocumentSpec]
    targets: list[TargetSpec] = Field(default_factory=list)
    not_measured: list[UnmeasuredSpec] = Field(default_factory=list)


class TargetError(ValueError):
    """A targets file that is unreadable or inconsistent: names the file and what is wrong."""


@dataclass(frozen=True)
class Target:
    """One target with everything needed to cite it."""

    region_code: str
    region_name: str
    measure: Measure
    name: Text
    figure: float
    unit: Text
    unit_inferred: bool
    compare: Compare
    by: date | None
    document: DocumentSpec
    article: str
    quote: str
    note: Text | None

    @property
    def source(self) -> str:
        """伊政办发〔2024〕28号《…》一、工作目标"""
        return f"{self.document.number}《{self.document.title}》{self.article}"

    def met_by(self, value: float | None) -> bool | None:
        """Whether the measured value meets the target; None when there is nothing to measure."""
        if value is None:
            return None
        # Figures are compared as reported (rounded to 4 places), so 0.85 of 0.85 is met.
        value = round(value, 4)
        return value >= self.figure if self.compare is Compare.at_least else value <= self.figure


@dataclass(frozen=True)
class Unmeasured:
    region_code: str
    region_name: str
    name: Text
    figure: str
    by: date | None
    document: DocumentSpec
    article: str
    quote: str
    reason: Text

    @property
    def source(self) -> str:
        return f"{self.document.number}《{self.document.title}》{self.article}"


@dataclass(frozen=True)
class RegionTargets:
    code: str
    name: str
    circle_minutes: int
    circle_source: str | None
    targets: tuple[Target, ...]
    not_measured: tuple[Unmeasured, ...]


def load_region(path: Path) -> RegionTargets:
    try:
        spec = RegionSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise TargetError(f"{path.name}: {exc}") from exc
    if spec.code != path.stem:
        raise TargetError(f"{path.name}: code {spec.code!r} does not match the file name")

    def document(name: str, what: str) -> DocumentSpec:
        if name not in spec.documents:
            raise TargetError(f"{path.name}: {what} cites unknown document {name!r}")
        return spec.documents[name]

    targets = []
    for number, t in enumerate(spec.targets, start=1):
        if t.measure in SHARES and t.figure > 1:
            raise TargetError(f"{path.name}: target {number} ({t.measure}) is a share: write 0.85, not 85")
        targets.append(Target(spec.code, spec.name, t.measure, t.name, t.figure, t.unit, t.unit_inferred, t.compare,
                              t.by, document(t.document, f"target {number}"), t.article, t.quote, t.note))
    unmeasured = [Unmeasured(spec.code, spec.name, u.name, u.figure, u.by, document(u.document, f"'{u.name.zh}'"),
                             u.article, u.quote, u.reason) for u in spec.not_measured]
    return RegionTargets(spec.code, spec.name, spec.circle_minutes, spec.circle_source, tuple(targets),
                         tuple(unmeasured))


@dataclass(frozen=True)
class TargetBook:
    regions: dict[str, RegionTargets]

    def for_codes(self, codes: list[str]) -> list[RegionTargets]:
        """The files that apply, the region's own first, then the wider regions' (city, then province)."""
        return [self.regions[code] for code in dict.fromkeys(codes) if code in self.regions]


def load_targets(directory: Path = TARGETS_DIR) -> TargetBook:
    """Reads and checks every targets file; a bad file raises TargetError naming it."""
    return TargetBook({(r := load_region(path)).code: r for path in sorted(directory.glob("*.yaml"))})


@cache
def bundled_targets() -> TargetBook:
    return load_targets()
