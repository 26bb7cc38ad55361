"""Coverage of a region by childcare, measured against the seeds' targets, and where to build next.

    result = compute_coverage(divisions.resolve("150627"), areas, centres, walker, minutes=15,
                              targets=bundled_targets().for_codes(["150627", "150600", "150000"]))
    result.figures.coverage        # share of the region's people within the walk of a centre with places
    result.suggestions[0].adds_population

Every figure is defined in the README ("Coverage for health staff"). In short:
- An area is *covered* when an active centre with places (capacity > 0) is within the walk, by the same walking
  model as `nearest` (straight line × detour, or the street network where one is loaded), whichever region the
  centre is in. The pairs come from the spatial index (geodata/index.py `reach`), never from a scan.
- *places* adds up the capacity of the active centres in the region; per 1,000 of the region's residents.
- *Accessibility* is the two-step floating catchment area (2SFCA, Luo & Wang 2003, as PySAL's `access`): each
  centre's places are divided by the demand within its walk (children under three where every area has that count,
  else residents), and each area adds up the ratios of the centres within its walk: places reachable per 1,000.
- *Places per 1,000 in new (old) residential areas*: each centre's places shared among the areas within its walk by
  population (2SFCA's first step), the share reaching new (old) areas per 1,000 of their people.
- *Suggestions*: greedy maximal coverage. Candidate sites are the region's areas; each pick is the site whose walk
  reaches the most still-uncovered people (children under three where known for every area), until the region's
  coverage targets are met, `sites` are listed, or no site adds anyone.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from geodata.centre import Centre, Status
from geodata.divisions import Division
from geodata.index import (
    SEARCH_MARGIN,
    CentreIndex,
    PointTree,
    Reach,
    StraightLineWalker,
    Walker,
    chord_of,
    reach,
    unit_vectors,
)
from geodata.population import Area
from geodata.regions import china_today
from geodata.targets import Measure, RegionTargets, Target, Unmeasured

PER = 1000  # figures per 1,000 people
DEFAULT_SITES = 10
DEFAULT_GAPS = 50
COVERAGE_MEASURES = frozenset({Measure.coverage, Measure.urban_coverage, Measure.area_coverage})
NO_TOWN = ("未填乡镇", "town not given")

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class Figures:
    """The region's headline figures; None where a figure has nothing to divide by."""

    population: int
    under3: int | None  # None unless every area gives it
    areas: int
    places: int
    places_per_1000: float | None
    inclusive_places: int
    inclusive_share: float | None
    centres: int  # active centres in the region
    covered_areas: int
    covered_population: int
    coverage: float | None
    inclusive_covered_areas: int
    inclusive_covered_population: int
    inclusive_coverage: float | None
    urban_areas: int
    urban_covered_areas: int
    urban_coverage: float | None
    area_coverage: float | None
    new_areas: int
    new_population: int
    places_per_1000_new: float | None
    old_population: int
    places_per_1000_old: float | None
    towns: int
    towns_without_inclusive: int

    def value(self, measure: Measure) -> float | None:
        return {
            Measure.places_per_1000: self.places_per_1000,
            Measure.places_per_1000_new: self.places_per_1000_new,
            Measure.places_per_1000_old: self.places_per_1000_old,
            Measure.inclusive_share: self.inclusive_share,
            Measure.coverage: self.coverage,
            Measure.urban_coverage: self.urban_coverage,
            Measure.area_coverage: self.area_coverage,
            Measure.towns_without_inclusive: float(self.towns_without_inclusive) if self.towns else None,
        }[measure]


@dataclass(frozen=True)
class TargetCheck:
    target: Target
    value: float | None
    met: bool | None
    applies_to: tuple[str, str]  # (code, name) of the region that set it


@dataclass(frozen=True)
class Gap:
    area: Area
    nearest_m: float  # geodesic metres to the nearest active centre with places (inf: none at all)


@dataclass(frozen=True)
class Suggestion:
    lat: float
    lon: float
    near: Area  # the area the site is placed at
    adds_population: int
    adds_under3: int | None
    adds_areas: int
    area_ids: tuple[str, ...]  # the areas it newly covers
    coverage_after: float | None  # the region's population coverage with this and the earlier sites


@dataclass
class TownRow:
    """One 乡镇/街道 of a county (or the county's total) in the report."""

    county_code: str
    county_name: str
    town: str | None  # None: the county's total row
    areas: int = 0
    population: int = 0
    under3: int | None = 0
    covered_areas: int = 0
    covered_population: int = 0
    urban_areas: int = 0
    urban_covered_areas: int = 0
    centres: int = 0
    inclusive_centres: int = 0
    places: int = 0
    inclusive_places: int = 0

    @property
    def places_per_1000(self) -> float | None:
        return _ratio(self.places * PER, self.population)

    @property
    def coverage(self) -> float | None:
        return _ratio(self.covered_population, self.population)

    @property
    def urban_coverage(self) -> float | None:
        return _ratio(self.urban_covered_areas, self.urban_areas)

    @property
    def inclusive_share(self) -> float | None:
        return _ratio(self.inclusive_places, self.places)


@dataclass
class Coverage:
    division: Division
    minutes: float
    computed_on: date
    walk: str  # how walks were measured, in words
    reach_m: float  # straight-line radius of the walk (exact for the straight-line model, an outer bound on streets)
    areas: list[Area]  # the region's areas, by id
    covered: np.ndarray  # bool per area
    inclusive_covered: np.ndarray  # bool per area
    accessibility: np.ndarray  # places reachable per 1,000 (2SFCA) per area
    accessibility_basis: str  # "under3" or "population"
    demand: np.ndarray  # per area: children under three, or people (the 2SFCA basis)
    figures: Figures
    centres: list[Centre]  # active centres in the region
    providers: list[Centre]  # active centres with places that reach the region's areas (any region)
    gaps: np.ndarray  # indices of the uncovered areas, most populous first
    gap_nearest_m: np.ndarray  # per gap: metres to the nearest centre with places (nan: not measured yet)
    suggestions: list[Suggestion]
    suggestions_stop: str  # "target_met", "limit", "no_gain"
    suggestion_basis: str  # "under3" or "population"
    targets: list[TargetCheck]
    not_measured: list[Unmeasured]
    towns: list[TownRow]  # per town, then a total row per county
    towns_without_inclusive: list[tuple[str, str]]  # (county name, town)
    sample: bool
    sources: list[str] = field(default_factory=list)
    _nearest: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    _lats: np.ndarray = field(default_factory=lambda: np.empty(0))  # the areas' coordinates, for the gaps
    _lons: np.ndarray = field(default_factory=lambda: np.empty(0))

    def gap_list(self, limit: int | None = DEFAULT_GAPS) -> list[Gap]:
        """The uncovered areas, most populous first, each with its distance to the nearest centre with places."""
        count = len(self.gaps) if limit is None else min(limit, len(self.gaps))
        with _no_gc_pauses():
            todo = np.flatnonzero(np.isnan(self.gap_nearest_m[:count]))
            if len(todo) and self._nearest is not None:
                chosen = self.gaps[todo]
                self.gap_nearest_m[todo] = self._nearest(self._lats[chosen], self._lons[chosen])
            return [Gap(self.areas[i], float(d)) for i, d in
                    zip(self.gaps[:count].tolist(), self.gap_nearest_m[:count].tolist(), strict=True)]

    def as_json(self, gaps: int | None = DEFAULT_GAPS) -> dict[str, Any]:
        """The contract's JSON ("Coverage for health staff"), with more keys after its own."""
        f = self.figures
        return {
            "region": {"code": self.division.code, "name": self.division.name},
            "minutes": _number(self.minutes),
            "population": f.population, "areas": f.areas,
            "places": f.places, "places_per_1000": _round(f.places_per_1000),
            "inclusive_places": f.inclusive_places, "inclusive_share": _round(f.inclusive_share),
            "covered_areas": f.covered_areas, "covered_population": f.covered_population,
            "coverage": _round(f.coverage),
            "urban_areas": f.urban_areas, "urban_covered_areas": f.urban_covered_areas,
            "urban_coverage": _round(f.urban_coverage),
            "targets": [_target_json(t) for t in self.targets],
            "gaps": [{"id": g.area.id, "name": g.area.name, "population": g.area.population,
                      "nearest_m": _metres(g.nearest_m), "town": g.area.town, "district_code": g.area.district_code,
                      "lat": g.area.lat, "lon": g.area.lon} for g in self.gap_list(gaps)],
            "suggestions": [{"lat": round(s.lat, 6), "lon": round(s.lon, 6), "adds_population": s.adds_population,
                             "adds_areas": s.adds_areas, "adds_under3": s.adds_under3, "near": s.near.name,
                             "near_id": s.near.id, "coverage_after": _round(s.coverage_after)}
                            for s in self.suggestions],
            # more than the contract asks for
            "level": self.division.level.value, "full_name": self.division.full_name,
            "computed_on": self.computed_on.isoformat(), "walk": self.walk, "sample": self.sample,
            "under3": f.under3, "centres": f.centres,
            "inclusive_covered_areas": f.inclusive_covered_areas,
            "inclusive_covered_population": f.inclusive_covered_population,
            "inclusive_coverage": _round(f.inclusive_coverage),
            "area_coverage": _round(f.area_coverage),
            "new_areas": f.new_areas, "new_population": f.new_population,
            "places_per_1000_new": _round(f.places_per_1000_new), "old_population": f.old_population,
            "places_per_1000_old": _round(f.places_per_1000_old),
            "towns": f.towns,
            "towns_without_inclusive": [{"county": c, "town": t} for c, t in self.towns_without_inclusive],
            "gaps_total": len(self.gaps),
            "suggestions_stop": self.suggestions_stop, "suggestion_basis": self.suggestion_basis,
            "accessibility": self.accessibility_json(),
            "targets_not_measured": [{"name": u.name.zh, "name_en": u.name.en, "target": u.figure,
                                      "by": u.by.isoformat() if u.by else None, "source": u.source,
                                      "reason": u.reason.zh, "reason_en": u.reason.en,
                                      "applies_to": {"code": u.region_code, "name": u.region_name}}
                                     for u in self.not_measured],
            "sources": self.sources,
        }

    def accessibility_json(self, short: int = 10) -> dict[str, Any]:
        """2SFCA summary: the demand-weighted mean, and the covered areas where places are shortest."""
        total = float(self.demand.sum())
        mean = float((self.accessibility * self.demand).sum()) / total if total > 0 else None
        covered = np.flatnonzero(self.covered)
        population = np.array([self.areas[i].population for i in covered.tolist()], dtype=float)
        order = covered[np.lexsort((covered, -population, self.accessibility[covered]))][:short]
        return {"basis": self.accessibility_basis, "per": PER, "mean": _round(mean),
                "short": [{"id": self.areas[i].id, "name": self.areas[i].name, "population": self.areas[i].population,
                           "under3": self.areas[i].under3, "score": _round(float(self.accessibility[i]))}
                          for i in order.tolist()]}


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """No cyclic garbage collection while a computation builds many small objects and no cycles: at 200,000 areas
    the collector's full passes cost more than the computation itself."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def compute_coverage(division: Division, all_areas: Sequence[Area], all_centres: Sequence[Centre], walker: Walker,
                     minutes: float, *, targets: Sequence[RegionTargets] = (), sites: int = DEFAULT_SITES,
                     county_names: Mapping[str, str] | None = None, today: date | None = None,
                     progress: Progress | None = None) -> Coverage:
    """The region's coverage, accessibility, targets and suggestions (see the module's docstring)."""
    with _no_gc_pauses():
        return _compute(division, all_areas, all_centres, walker, minutes, targets, sites, county_names or {}, today,
                        progress)


def _compute(division: Division, all_areas: Sequence[Area], all_centres: Sequence[Centre], walker: Walker,
             minutes: float, targets: Sequence[RegionTargets], sites: int, county_names: Mapping[str, str],
             today: date | None, progress: Progress | None) -> Coverage:
    if sites < 0:
        raise ValueError(f"建议选址数 {sites} 不能为负 / sites {sites} cannot be negative")
    tell = progress or (lambda stage, done, total: None)
    prefix = division.prefix
    inside: list[Area] = []
    outside_areas: list[Area] = []
    for a in all_areas:  # one pass: membership is a prefix of the 6-digit county code
        (inside if a.district_code and a.district_code.startswith(prefix) else outside_areas).append(a)
    areas = sorted(inside, key=lambda a: a.id)
    cols = _Columns.of(areas)
    centres = [c for c in all_centres if c.status is Status.active and division.contains(c.district_code)]
    providers_all = [c for c in all_centres if c.status is Status.active and (c.capacity or 0) > 0]
    index = CentreIndex(providers_all, walker)

    # Which areas each centre with places reaches (the region's areas first).
    tell("areas", 0, len(areas))
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        tell("areas", done, len(areas))

    pairs = index.reach(cols.lats, cols.lons, minutes, step)
    capacity = np.array([c.capacity or 0 for c in index.centres], dtype=float)
    inclusive = np.array([c.inclusive for c in index.centres], dtype=bool)
    covered = np.zeros(len(areas), dtype=bool)
    covered[pairs.origin] = True
    inclusive_covered = np.zeros(len(areas), dtype=bool)
    inclusive_covered[pairs.origin[inclusive[pairs.target]]] = True

    # Demand within each centre's walk, the areas across the border included (2SFCA's first step).
    tell("accessibility", 0, 1)
    outside = _outside_pairs(outside_areas, index, pairs, walker, minutes)
    basis = "under3" if cols.all_under3 and all(a.under3 is not None for a in outside.areas) else "population"
    demand = cols.population if basis == "population" else cols.under3
    accessibility = _two_step(pairs, demand, capacity, outside.demand(basis), len(areas))
    shared = _two_step(pairs, cols.population, capacity, outside.demand("population"), len(areas)) / PER \
        * cols.population
    tell("accessibility", 1, 1)

    figures = _figures(cols, covered, inclusive_covered, centres, shared)
    towns, without = _towns(areas, cols, covered, centres, county_names)
    figures = _with_towns(figures, towns, without)
    checks = [TargetCheck(t, figures.value(t.measure), t.met_by(figures.value(t.measure)), (r.code, r.name))
              for r in targets for t in r.targets]
    unmeasured = [u for r in targets for u in r.not_measured]

    uncovered = np.flatnonzero(~covered)
    order = np.lexsort((uncovered, -cols.population[uncovered]))  # most populous first, then by id
    gaps = uncovered[order]
    suggestion_basis = "under3" if cols.all_under3 else "population"
    suggestions, stop = _suggest(areas, cols, covered, walker, minutes, sites, suggestion_basis,
                                 [c.target for c in checks if c.target.measure in COVERAGE_MEASURES], tell)
    providers = [index.centres[j] for j in np.unique(pairs.target).tolist()]
    sample = any(a.is_sample for a in areas) or any(c.is_sample for c in [*centres, *providers])
    return Coverage(
        division=division, minutes=minutes, computed_on=today or china_today(), walk=describe_walk(walker, minutes),
        reach_m=walker.search_radius_m(minutes),
        areas=areas, covered=covered, inclusive_covered=inclusive_covered, accessibility=accessibility,
        accessibility_basis=basis, demand=demand, figures=figures, centres=centres, providers=providers,
        gaps=gaps, gap_nearest_m=np.full(len(gaps), np.nan), suggestions=suggestions, suggestions_stop=stop,
        suggestion_basis=suggestion_basis, targets=checks, not_measured=unmeasured, towns=towns,
        towns_without_inclusive=without, sample=sample, _nearest=index.nearest_m, _lats=cols.lats, _lons=cols.lons,
    )


@dataclass(frozen=True)
class _Columns:
    """The region's areas as arrays (one pass over the objects), for the figures that add them up."""

    lats: np.ndarray
    lons: np.ndarray
    population: np.ndarray  # float
    under3: np.ndarray  # float, 0 where not given
    all_under3: bool  # every area gives its children under three
    urban: np.ndarray  # bool (None counts as not urban)
    new: np.ndarray  # bool (None counts as old, 已建成)

    @classmethod
    def of(cls, areas: Sequence[Area]) -> _Columns:
        """One pass over the areas; None under3 is NaN until the columns are split."""
        table = np.array([(a.lat, a.lon, a.population, np.nan if a.under3 is None else a.under3, bool(a.urban),
                           bool(a.new_area)) for a in areas], dtype=float).reshape(len(areas), 6)
        under3 = table[:, 3]
        known = ~np.isnan(under3)
        return cls(lats=table[:, 0].copy(), lons=table[:, 1].copy(), population=table[:, 2].copy(),
                   under3=np.where(known, under3, 0.0), all_under3=bool(len(areas)) and bool(known.all()),
                   urban=table[:, 4] > 0, new=table[:, 5] > 0)


def describe_walk(walker: Walker, minutes: float) -> str:
    model = getattr(walker, "model", None)
    if isinstance(walker, StraightLineWalker) and model is not None:
        return (f"直线距离 × 绕行系数 {model.detour:g} ÷ 步速 {model.speed_kmh:g} km/h：{_number(minutes)} 分钟 = 直线 "
                f"{model.radius_m(minutes):.0f} 米 / straight line × detour {model.detour:g} ÷ "
                f"{model.speed_kmh:g} km/h: {_number(minutes)} min = {model.radius_m(minutes):.0f} m straight")
    speed = f"{model.speed_kmh:g} km/h" if model is not None else ""
    return (f"沿街道网络步行 {speed}（不在街道附近的点按直线模型）/ walked along the street network at {speed} "
            f"(points far from any street: the straight-line model)")


# --- the steps ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outside:
    """Areas outside the region that share a centre with it, and their pairs with those centres."""

    areas: list[Area]
    pairs: Reach

    def demand(self, basis: str) -> tuple[np.ndarray, np.ndarray]:
        """(centre index, demand) per pair."""
        values = np.array([(a.under3 or 0) if basis == "under3" else a.population for a in self.areas], dtype=float)
        return self.pairs.target, values[self.pairs.origin] if len(self.areas) else np.empty(0)


def _outside_pairs(others: list[Area], index: CentreIndex, inside: Reach, walker: Walker, minutes: float
                   ) -> _Outside:
    """Residents across the border walk to the same centres: their demand counts in each centre's ratio."""
    shared = np.unique(inside.target)
    empty = _Outside([], Reach(np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)))
    if not len(shared) or not others:
        return empty
    providers = PointTree.of(index.points.lats[shared], index.points.lons[shared])
    # Only the outside areas near a shared centre can reach it: find them from the centres' side first.
    far = PointTree.of([a.lat for a in others], [a.lon for a in others])
    radius = walker.search_radius_m(minutes) * SEARCH_MARGIN
    near = far.tree.query_ball_point(providers.tree.data, chord_of(radius))
    candidates = sorted({i for hits in near for i in hits})
    if not candidates:
        return empty
    chosen = [others[i] for i in candidates]
    pairs = reach(np.array([a.lat for a in chosen]), np.array([a.lon for a in chosen]), providers, walker, minutes)
    return _Outside(chosen, Reach(pairs.origin, shared[pairs.target]))


def _two_step(pairs: Reach, demand: np.ndarray, capacity: np.ndarray, outside: tuple[np.ndarray, np.ndarray],
              n_areas: int) -> np.ndarray:
    """2SFCA: places reachable per 1,000 of demand, per area (0 where no centre is within the walk)."""
    total = np.bincount(pairs.target, weights=demand[pairs.origin], minlength=len(capacity))
    if len(outside[0]):
        total += np.bincount(outside[0], weights=outside[1], minlength=len(capacity))
    ratio = np.divide(capacity, total, out=np.zeros_like(capacity), where=total > 0)
    return np.bincount(pairs.origin, weights=ratio[pairs.target], minlength=n_areas) * PER


def _figures(cols: _Columns, covered: np.ndarray, inclusive_covered: np.ndarray, centres: list[Centre],
             shared_places: np.ndarray) -> Figures:
    population = int(cols.population.sum())
    places = sum(c.capacity or 0 for c in centres)
    inclusive_places = sum(c.capacity or 0 for c in centres if c.inclusive)
    covered_population = int(cols.population[covered].sum())
    inclusive_population = int(cols.population[inclusive_covered].sum())
    urban, urban_covered = int(cols.urban.sum()), int((cols.urban & covered).sum())
    new_population = int(cols.population[cols.new].sum())
    old_population = int(cols.population[~cols.new].sum())
    n_new = int(cols.new.sum())
    n_old = len(cols.new) - n_new
    return Figures(
        population=population, under3=int(cols.under3.sum()) if cols.all_under3 else None, areas=len(cols.lats),
        places=places, places_per_1000=_ratio(places * PER, population), inclusive_places=inclusive_places,
        inclusive_share=_ratio(inclusive_places, places), centres=len(centres),
        covered_areas=int(covered.sum()), covered_population=covered_population,
        coverage=_ratio(covered_population, population),
        inclusive_covered_areas=int(inclusive_covered.sum()), inclusive_covered_population=inclusive_population,
        inclusive_coverage=_ratio(inclusive_population, population),
        urban_areas=urban, urban_covered_areas=urban_covered, urban_coverage=_ratio(urban_covered, urban),
        area_coverage=_ratio(int(covered.sum()), len(cols.lats)),
        new_areas=n_new, new_population=new_population,
        places_per_1000_new=_ratio(float(shared_places[cols.new].sum()) * PER, new_population) if n_new else None,
        old_population=old_population,
        places_per_1000_old=_ratio(float(shared_places[~cols.new].sum()) * PER, old_population) if n_old else None,
        towns=0, towns_without_inclusive=0,
    )


def _towns(areas: list[Area], cols: _Columns, covered: np.ndarray, centres: list[Centre],
           names: Mapping[str, str]) -> tuple[list[TownRow], list[tuple[str, str]]]:
    """Rows per town and per county; a centre belongs to the town of the nearest area in its county."""
    keys: dict[tuple[str, str | None], int] = {}
    group = np.fromiter((keys.setdefault((a.district_code or "", a.town), len(keys)) for a in areas), dtype=np.intp,
                        count=len(areas))
    n = len(keys)

    def total(values: np.ndarray) -> list[int]:
        return np.bincount(group, weights=values, minlength=n).round().astype(np.int64).tolist()

    counts, people = total(np.ones(len(areas))), total(cols.population)
    missing_under3 = total(np.fromiter((a.under3 is None for a in areas), dtype=float, count=len(areas)))
    under3 = total(cols.under3)
    covered_areas, covered_people = total(covered.astype(float)), total(np.where(covered, cols.population, 0.0))
    urban, urban_covered = total(cols.urban.astype(float)), total((cols.urban & covered).astype(float))
    rows: dict[tuple[str, str | None], TownRow] = {}
    for (code, town), g in keys.items():
        rows[(code, town)] = TownRow(
            code, names.get(code) or code, town or NO_TOWN[0], areas=counts[g], population=people[g],
            under3=None if missing_under3[g] else under3[g], covered_areas=covered_areas[g],
            covered_population=covered_people[g], urban_areas=urban[g], urban_covered_areas=urban_covered[g])
    members: dict[str, list[int]] = defaultdict(list)
    for i, a in enumerate(areas):
        members[a.district_code or ""].append(i)
    has_inclusive: set[tuple[str, str | None]] = set()
    by_county: dict[str, list[Centre]] = defaultdict(list)
    for c in centres:
        by_county[c.district_code].append(c)
    for code, here in by_county.items():
        for centre, town in zip(here, _town_of_centres(areas, cols, members.get(code, []), here), strict=True):
            row = rows.setdefault((code, town), TownRow(code, names.get(code) or code, town or NO_TOWN[0]))
            _add_centre(row, centre)
            if centre.inclusive:
                has_inclusive.add((code, town))
    out: list[TownRow] = []
    without: list[tuple[str, str]] = []
    for code in sorted({code for code, _ in rows}):
        county = TownRow(code, names.get(code) or code, None, under3=0)
        for key in sorted((k for k in rows if k[0] == code), key=lambda k: (k[1] is None, k[1] or "")):
            row = rows[key]
            out.append(row)
            add_row(county, row)
            if key[1] is not None and key not in has_inclusive and row.areas:
                without.append((row.county_name, key[1]))
        out.append(county)
    return out, without


def add_row(total: TownRow, row: TownRow) -> None:
    """Adds a town's (or county's) row into a total row."""
    for name in ("areas", "population", "covered_areas", "covered_population", "urban_areas", "urban_covered_areas",
                 "centres", "inclusive_centres", "places", "inclusive_places"):
        setattr(total, name, getattr(total, name) + getattr(row, name))
    total.under3 = None if total.under3 is None or (row.under3 is None and row.areas) else \
        total.under3 + (row.under3 or 0)


def _add_centre(row: TownRow, centre: Centre) -> None:
    row.centres += 1
    row.inclusive_centres += centre.inclusive
    row.places += centre.capacity or 0
    row.inclusive_places += (centre.capacity or 0) if centre.inclusive else 0


def _town_of_centres(areas: list[Area], cols: _Columns, members: list[int], centres: list[Centre]
                     ) -> list[str | None]:
    if not members:
        return [None] * len(centres)
    tree = PointTree.of(cols.lats[members], cols.lons[members])
    _, nearest = tree.tree.query(unit_vectors(np.array([c.lat for c in centres]), np.array([c.lon for c in centres])))
    return [areas[members[int(k)]].town for k in np.atleast_1d(nearest).tolist()]


def _with_towns(figures: Figures, towns: list[TownRow], without: list[tuple[str, str]]) -> Figures:
    named = [row for row in towns if row.town is not None and row.town != NO_TOWN[0] and row.areas]
    return Figures(**{**figures.__dict__, "towns": len(named), "towns_without_inclusive": len(without)})


def _suggest(areas: list[Area], cols: _Columns, covered: np.ndarray, walker: Walker, minutes: float, sites: int,
             basis: str, coverage_targets: list[Target], tell: Progress) -> tuple[list[Suggestion], str]:
    """Greedy maximal coverage over candidate sites at the region's areas (see the module's docstring)."""
    population = cols.population
    weight = population if basis == "population" else cols.under3
    still = ~covered
    if _targets_met(coverage_targets, cols, ~still):
        return [], "target_met"
    uncovered = np.flatnonzero(still)
    if sites == 0 or not len(uncovered):
        return [], "limit" if sites == 0 else "no_gain"
    tell("sites", 0, sites)
    candidates = PointTree.of(cols.lats, cols.lons)
    pairs = reach(cols.lats[uncovered], cols.lons[uncovered], candidates, walker, minutes)
    # Rows: candidate sites; columns: the areas uncovered at the start (their index in `areas`).
    matrix = csr_matrix((np.ones(len(pairs), dtype=float), (pairs.target, uncovered[pairs.origin])),
                        shape=(len(areas), len(areas)))
    matrix.sum_duplicates()
    live = np.where(still, weight, 0.0)
    chosen: list[Suggestion] = []
    stop = "limit"
    while len(chosen) < sites:
        gains = matrix @ live
        best = int(np.argmax(gains))  # ties: the lowest index, i.e. the first area by id
        if gains[best] <= 0:
            stop = "no_gain"
            break
        reached = matrix.indices[matrix.indptr[best]:matrix.indptr[best + 1]]
        new = np.sort(reached[still[reached]])
        still[new] = False
        live[new] = 0.0
        covered_now = ~still
        site = areas[best]
        chosen.append(Suggestion(
            lat=site.lat, lon=site.lon, near=site, adds_population=int(population[new].sum()),
            adds_under3=int(cols.under3[new].sum()) if basis == "under3" else None,
            adds_areas=len(new), area_ids=tuple(areas[i].id for i in new.tolist()),
            coverage_after=_ratio(float(population[covered_now].sum()), float(population.sum())),
        ))
        tell("sites", len(chosen), sites)
        if _targets_met(coverage_targets, cols, covered_now):
            stop = "target_met"
            break
    return chosen, stop


def _targets_met(targets: list[Target], cols: _Columns, covered: np.ndarray) -> bool:
    """Whether every coverage target (population, urban or all areas) is met with these areas covered."""
    if not targets:
        return False
    values = {
        Measure.coverage: _ratio(float(cols.population[covered].sum()), float(cols.population.sum())),
        Measure.urban_coverage: _ratio(int((cols.urban & covered).sum()), int(cols.urban.sum())),
        Measure.area_coverage: _ratio(int(covered.sum()), len(covered)),
    }
    return all(t.met_by(values[t.measure]) for t in targets)


# --- numbers ------------------------------------------------------------------------------------------------


def _ratio(numerator: float, denominator: float) -> float | None:
    return float(numerator) / float(denominator) if denominator else None


def _round(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(float(value), places)


def _metres(value: float) -> float | None:
    return None if value == float("inf") else round(value, 1)


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _target_json(check: TargetCheck) -> dict[str, Any]:
    t = check.target
    return {
        "name": t.name.zh, "value": _round(check.value), "target": _number(t.figure), "met": check.met,
        "source": t.source,
        "name_en": t.name.en, "measure": t.measure.value, "compare": t.compare.value,
        "unit": t.unit.zh, "unit_en": t.unit.en, "unit_inferred": t.unit_inferred,
        "by": t.by.isoformat() if t.by else None, "document": t.document.number, "title": t.document.title,
        "issued": t.document.issued.isoformat(), "article": t.article, "quote": t.quote,
        "note": t.note.zh if t.note else None, "note_en": t.note.en if t.note else None,
        "applies_to": {"code": check.applies_to[0], "name": check.applies_to[1]},
    }
