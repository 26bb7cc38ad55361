"""The JSON API's answers as response models: every 200 (and 201, 202) of /openapi.json names its keys and their
types here.

The domain builds its answers as plain dicts (the CLI prints the same ones); a route names its model, and FastAPI
checks the answer against it. Each model lists every key the domain writes, and the OpenAPI document says so
(`additionalProperties: false`), so the schemathesis run in tests/api/test_fuzz_api.py fails on a key the domain adds
without documenting it. At run time a key not listed is passed on rather than dropped (extra="allow"): a parent
never loses a field to a model that lags the domain.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from geodata.centre import DemoLevel, Kind, Mode, Ownership, Status

Number = int | float  # as the domain wrote it: 15 stays 15, 0.25 stays 0.25
Date = Annotated[str, Field(description="YYYY-MM-DD", examples=["2025-03-01"])]
Moment = Annotated[str, Field(description="ISO 8601 date and time with its offset")]


class Out(BaseModel):
    """An answer's object: documented closed, passed on open."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"additionalProperties": False})


class Both(Out):
    """A text in Chinese and English."""

    zh: str
    en: str


class Place(Out):
    code: str
    name: str


# -- centres ---------------------------------------------------------------------------------------------------


class CentreOut(Out):
    """A centre: the contract's columns, the registry's other fields, and its standing in words (in the order the
    domain writes them)."""

    id: str = Field(description="filing number (备案编号)")
    name: str
    address: str
    lat: Number
    lon: Number
    district_code: str
    kind: Kind
    inclusive: bool
    status: Status
    capacity: int | None
    vacancies: int | None = Field(description="free places, as last reported")
    min_age_months: int | None
    max_age_months: int | None
    modes: list[Mode]
    phone: str | None
    hours: str | None
    fee_min: Number | None
    fee_max: Number | None
    filed_on: Date | None
    inclusive_since: Date | None
    demo_level: DemoLevel | None
    operator: str | None
    credit_code: str | None
    health_eval_passed: bool | None
    ownership: Ownership | None
    open_to_public: bool
    enrolled: int | None
    inspected_on: Date | None
    vacancies_updated_on: Date | None = Field(description="when the vacancies were last reported")
    vacancies_stale: bool = Field(description="reported more than 30 days ago")
    offered: bool = Field(description="offered to parents: active and open to the public")
    status_label: Both
    status_meaning: Both
    is_sample: bool
    updated_at: Moment | None


# A centre as a GeoJSON feature's properties: the same without lat and lon (they are the geometry).
def fields_of(model: type[BaseModel], *, without: tuple[str, ...] = ()) -> dict[str, Any]:
    """A model's fields, in order, for create_model: a model that shares another's keys where they are written
    in another order (a model's keys are written in its fields' order)."""
    return {name: (info.annotation, info) for name, info in model.model_fields.items() if name not in without}


CentreProperties = create_model("CentreProperties", __base__=Out, __doc__="A centre without its coordinates.",
                                **fields_of(CentreOut, without=("lat", "lon")))


class Origin(Out):
    lat: Number
    lon: Number


class NearbyCentre(Out):
    id: str
    name: str
    address: str
    lat: Number
    lon: Number
    kind: Kind
    inclusive: bool
    distance_m: Number = Field(description="geodesic straight-line distance, metres")
    walk_minutes: Number = Field(description="the walking model's estimate")
    vacancies: int | None
    vacancies_updated_on: Date | None
    vacancies_stale: bool
    is_sample: bool


class NearestOut(Out):
    origin: Origin
    minutes: Number
    results: list[NearbyCentre]
    sample_data: bool | None = Field(None, description="present (true) when any result is sample data")


class FoundCentre(CentreOut):
    score: Number = Field(description="how well the name matched, 0–100")


class SearchOut(Out):
    query: str
    results: list[FoundCentre]


class HistoryEvent(Out):
    on: Date
    field: str = Field(description="status, inclusive, filed_on, …")
    from_: Any = Field(alias="from")
    to: Any
    reason: str | None


class HistoryOut(Out):
    id: str
    events: list[HistoryEvent]


class Point(Out):
    type: Literal["Point"]
    coordinates: list[Number] = Field(min_length=2, max_length=2, description="[lon, lat]")


class Feature(Out):
    type: Literal["Feature"]
    geometry: Point
    properties: CentreProperties


class GeoJsonOut(Out):
    type: Literal["FeatureCollection"]
    features: list[Feature]


class HsdsOut(Out):
    """Open Referral HSDS 3: each service with its organization, location, schedule, phone and capacity (the
    nested objects are HSDS's own, see its specification)."""

    hsds_version: str
    generated: Moment
    total_items: int
    contents: list[dict[str, Any]]


# -- the centre portal -----------------------------------------------------------------------------------------


class OwnCentre(Out):
    id: str
    name: str
    address: str
    status: Status
    status_label: Both
    offered: bool
    capacity: int | None
    vacancies_updated_on: Date | None
    vacancies_stale: bool
    is_sample: bool
    vacancies: int | None
    fee_min: Number | None
    fee_max: Number | None
    hours: str | None
    phone: str | None
    modes: list[Mode]
    min_age_months: int | None
    max_age_months: int | None


class CentreMeOut(Out):
    name: str
    role: Literal["centre"]
    centres: list[OwnCentre]
    fields: list[str] = Field(description="the fields a centre may change itself")


# -- leave -----------------------------------------------------------------------------------------------------


class Citation(Out):
    title: str
    number: str
    article: str


class Basis(Out):
    """One part of an entitlement with the document it comes from."""

    title: str
    issuer: str
    article: str
    days: int | None
    verified: bool
    from_: Date = Field(alias="from", description="in force from")
    until: Date | None
    date_verified: bool
    note: str
    note_en: str
    cited_by: list[Citation]


# A part of maternity leave: its label first, then its basis.
MaternityPart = create_model("MaternityPart", __base__=Out, __doc__="A part of maternity leave and its basis.",
                             label=(str, ...), label_en=(str, ...), **fields_of(Basis))


class NursingBasis(Basis):
    hours_per_day: Number | None
    extra_hours_per_baby: Number | None


class Maternity(Out):
    kind: Literal["maternity"]
    days: int
    start: Date
    end: Date
    end_is_estimate: bool
    complete: bool
    basis: list[MaternityPart]
    verified: bool
    expired: bool


class Paternity(Out):
    kind: Literal["paternity"]
    days: int
    unit: str
    basis: list[Basis]
    verified: bool


class Parental(Out):
    kind: Literal["parental"]
    days_per_year: int
    unit: str
    until_age_years: int
    until: Date
    basis: list[Basis]
    verified: bool
    expired: bool


class NursingLeave(Out):
    days: int
    basis: list[Basis]


class Nursing(Out):
    kind: Literal["nursing"]
    hours_per_day: Number
    until_age_years: int
    until: Date
    verified: bool
    basis: list[NursingBasis]
    expired: bool
    nursing_leave: NursingLeave | None
    nursing_leave_known: bool


Entitlement = Annotated[Maternity | Paternity | Parental | Nursing, Field(discriminator="kind")]


class LeaveRegion(Out):
    code: str
    name: str
    name_en: str


class OptionalLeave(Out):
    condition: str
    condition_en: str
    days: int | None
    basis: list[Basis]


class LeaveOut(Out):
    region: LeaveRegion
    birth_date: Date
    is_due_date: bool
    miscarriage: bool
    entitlements: list[Entitlement]
    optional: list[OptionalLeave]
    notes: list[str]
    notes_en: list[str]
    explanation: Both


# -- guidance --------------------------------------------------------------------------------------------------


class Source(Out):
    title: str
    issuer: str
    year: int


class ArticleOut(Out):
    slug: str
    title: str
    summary: str
    locale: Literal["zh", "en"]
    age_from_months: int
    age_to_months: int
    send_at_days: int | None
    topics: list[str]
    sources: list[Source]
    reviewed_by: str | None
    reviewed_on: Date | None
    written_on: Date
    translations: list[str]


class ArticleWithBody(ArticleOut):
    body: str = Field(description="Markdown")


class GuidanceOut(Out):
    articles: list[ArticleOut]


class PlanItem(Out):
    slug: str
    send_on: Date


class PlanOut(Out):
    birth_date: Date
    items: list[PlanItem]


# -- chat ------------------------------------------------------------------------------------------------------


class Button(Out):
    label: str
    data: str | None
    url: str | None


class Reply(Out):
    text: str
    html: str | None
    request_location: bool
    buttons: list[list[Button]]


class ChatOut(Out):
    session: str
    intent: str
    text: str
    replies: list[Reply] = []


# -- complaint cases -------------------------------------------------------------------------------------------


class CaseOut(Out):
    number: str
    centre_id: str | None
    centre_name: str
    category: str
    status: str
    status_label: Both
    filed_on: Date
    updated_on: Date
    rectify_by: Date | None
    outcome: str | None


class StaffCase(CaseOut):
    district_code: str | None
    what: str
    serious: bool
    channel: str
    contact: str | None
    assignee: str | None
    created_at: Moment
    updated_at: Moment
    resolved_at: Moment | None


class CaseNote(Out):
    at: Moment
    actor: str
    action: str
    text: str | None


class StaffCaseWithNotes(StaffCase):
    notes: list[CaseNote]


class FlaggedCentre(Out):
    centre_id: str
    name: str
    open_serious_cases: int


class CasesOut(Out):
    cases: list[StaffCase]
    flagged_centres: list[FlaggedCentre]


# -- staff -----------------------------------------------------------------------------------------------------


class StaffMe(Out):
    name: str
    role: str


class Segment(Out):
    regions: list[str] | None = None
    age_months: list[int] | None = Field(None, min_length=2, max_length=2)
    language: str | None = None


class PreviewOut(Out):
    recipients: int
    messages: dict[str, str] = Field(description="language → the text as parents will read it")


class BroadcastCreated(Out):
    id: str
    status: Literal["draft", "queued", "sending", "done", "cancelled"]
    recipients: int


class BroadcastOut(BroadcastCreated):
    queued: int
    sent: int
    failed: int
    blocked: int
    cancelled: int
    text: str
    segment: Segment
    created_by: str
    created_at: Moment
    scheduled_at: Moment | None


class BroadcastsOut(Out):
    broadcasts: list[BroadcastOut]


class RejectedRow(Out):
    row: int
    id: str | None
    errors: list[str]


class WarnedRow(Out):
    row: int
    id: str | None
    field: str
    message: str


class ImportOut(Out):
    accepted: int
    rejected: list[RejectedRow]
    warnings: list[WarnedRow]
    dry_run: bool


class StaffHistoryEvent(HistoryEvent):
    source: str | None


class AdminCentreOut(CentreOut):
    history: list[StaffHistoryEvent]
    cases: list[StaffCase]
    open_serious_cases: int


class CentreRow(Out):
    id: str
    name: str
    district_code: str
    status: Status
    inclusive: bool
    open_to_public: bool
    offered: bool
    vacancies: int | None
    vacancies_updated_on: Date | None
    vacancies_stale: bool
    capacity: int | None
    open_serious_cases: int
    last_reminded: Moment | None
    is_sample: bool


class CentresOut(Out):
    total: int
    centres: list[CentreRow]


class ReminderOut(Out):
    centre_id: str
    url: str
    message: str


class ShareLinkOut(Out):
    code: str
    kind: Literal["community", "centre", "campaign"]
    target: str
    title: str | None
    url: str
    opened: int
    bot_started: int
    public_url_set: bool


class ShareLinksOut(Out):
    links: list[ShareLinkOut]


class AuditEntry(Out):
    at: Moment
    actor: str
    action: str
    target: str | None
    detail: Any


class AuditOut(Out):
    entries: list[AuditEntry]


# -- coverage --------------------------------------------------------------------------------------------------


class TargetCheck(Out):
    name: str
    value: Number | None
    target: Number
    met: bool | None
    source: str
    name_en: str
    measure: str
    compare: str
    unit: str
    unit_en: str
    unit_inferred: bool
    by: Date | None
    document: str
    title: str
    issued: Date
    article: str
    quote: str
    note: str | None
    note_en: str | None
    applies_to: Place


class Gap(Out):
    id: str
    name: str
    population: int
    nearest_m: Number | None
    town: str | None
    district_code: str | None
    lat: Number
    lon: Number


class Suggestion(Out):
    lat: Number
    lon: Number
    adds_population: int
    adds_areas: int
    adds_under3: int | None
    near: str
    near_id: str
    coverage_after: Number | None


class Town(Out):
    county: str
    town: str


class ShortArea(Out):
    id: str
    name: str
    population: int
    under3: int | None
    score: Number | None


class Accessibility(Out):
    basis: str
    per: int
    mean: Number | None
    short: list[ShortArea]


class NotMeasured(Out):
    name: str
    name_en: str
    target: Any
    by: Date | None
    source: str
    reason: str
    reason_en: str
    applies_to: Place


class CoverageOut(Out):
    region: Place
    minutes: Number
    population: int
    areas: int
    places: int
    places_per_1000: Number | None
    inclusive_places: int
    inclusive_share: Number | None
    covered_areas: int
    covered_population: int
    coverage: Number | None
    urban_areas: int
    urban_covered_areas: int
    urban_coverage: Number | None
    targets: list[TargetCheck]
    gaps: list[Gap]
    suggestions: list[Suggestion]
    level: str
    full_name: str
    computed_on: Date
    walk: str
    sample: bool
    under3: int | None
    centres: int
    inclusive_covered_areas: int
    inclusive_covered_population: int
    inclusive_coverage: Number | None
    area_coverage: Number | None
    new_areas: int
    new_population: int
    places_per_1000_new: Number | None
    old_population: int
    places_per_1000_old: Number | None
    towns: int
    towns_without_inclusive: list[Town]
    gaps_total: int
    suggestions_stop: str
    suggestion_basis: str
    accessibility: Accessibility
    targets_not_measured: list[NotMeasured]
    sources: list[str]


class RegionRow(Out):
    code: str
    name: str
    full_name: str
    level: str
    areas: int
    has_targets: bool


class RegionsOut(Out):
    regions: list[RegionRow]


# -- service ---------------------------------------------------------------------------------------------------


class Healthy(Out):
    status: Literal["ok"]


class Check(Out):
    ok: bool
    reason: str | None = None
    state: str | None = None
    version: int | None = None
    store_version: int | None = None
    centres: int | None = None


class ReadyOut(Out):
    status: Literal["ready", "unavailable"]
    reason: str | None = Field(None, description="why not ready (503 only)")
    checks: dict[str, Check]
