"""The coverage service for health staff: population in the store, regions, targets and cached results.

    planner = Planner(engine, registry, gazetteer)
    planner.import_file(Path("population.xlsx"))      # a PopulationReport; the good rows are stored
    result = planner.coverage("伊金霍洛旗")              # a Coverage (geodata/coverage.py), cached

A result is computed once per (region, minutes, sites) and kept until the registry or the population changes (their
version counters in registry_meta), so the page, its map and its downloads share one computation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from geodata.coverage import DEFAULT_SITES, Coverage, Progress, compute_coverage
from geodata.crs import Crs
from geodata.divisions import Division, Divisions, Level
from geodata.gazetteer import Gazetteer
from geodata.population import Area, PopulationReport, read_population_file
from geodata.registry import Registry
from geodata.store import load_areas, population_version, upsert_areas
from geodata.targets import DEFAULT_CIRCLE_MINUTES, RegionTargets, TargetBook, bundled_targets

CACHED_RESULTS = 8
MAX_MINUTES = 60


class Planner:
    def __init__(self, engine: Engine, registry: Registry, gazetteer: Gazetteer, targets: TargetBook | None = None):
        self.engine = engine
        self.registry = registry
        self.gazetteer = gazetteer
        self.divisions = Divisions.from_gazetteer(gazetteer)
        self.targets = targets or bundled_targets()
        self._lock = threading.Lock()
        self._areas: tuple[int, list[Area]] | None = None
        self._results: OrderedDict[tuple[Any, ...], Coverage] = OrderedDict()

    # -- population ---------------------------------------------------------------------------------------

    def county_of(self, lat: float, lon: float) -> tuple[str, str] | None:
        county = self.gazetteer.county_at(lat, lon)
        return (county.code, county.name) if county else None

    def read_file(self, path: Path, crs: Crs | str = Crs.wgs84, *, is_sample: bool = False,
                  progress: Callable[[int], None] | None = None, source: str | None = None) -> PopulationReport:
        """Check a population file (nothing is stored); raises UnusableFile for an unusable file."""
        return read_population_file(path, crs, is_sample=is_sample, county_of=self.county_of, source=source,
                                    progress=progress)

    def save(self, areas: Iterable[Area]) -> int:
        return upsert_areas(self.engine, areas)

    def areas(self) -> list[Area]:
        version = population_version(self.engine)
        with self._lock:
            if self._areas is None or self._areas[0] != version:
                self._areas = (version, load_areas(self.engine))
            return self._areas[1]

    # -- regions and targets ------------------------------------------------------------------------------

    def resolve(self, text: str) -> Division:
        """A county, prefecture-level city or province by code or name; raises UnknownDivision."""
        return self.divisions.resolve(text)

    def targets_for(self, division: Division) -> list[RegionTargets]:
        """The region's own targets file, then its city's and province's."""
        return self.targets.for_codes([division.code, division.city_code or "", division.province_code])

    def default_minutes(self, division: Division) -> int:
        """The walk the region's own documents set (伊金霍洛旗: 15分钟托育服务圈), else 15 minutes."""
        for region in self.targets_for(division):
            return region.circle_minutes
        return DEFAULT_CIRCLE_MINUTES

    def regions(self) -> list[dict[str, Any]]:
        """Regions with population data, for a picker: each county with areas, and its city and province."""
        counts: dict[str, int] = {}
        for area in self.areas():
            if area.district_code:
                counts[area.district_code] = counts.get(area.district_code, 0) + 1
        found: dict[str, dict[str, Any]] = {}
        for code, n in counts.items():
            county = self.divisions.get(code)
            if county is None:
                continue
            for division in filter(None, (self.divisions.get(county.province_code),
                                          self.divisions.get(county.city_code or ""), county)):
                entry = found.setdefault(division.code, {
                    "code": division.code, "name": division.name, "full_name": division.full_name,
                    "level": division.level.value, "areas": 0, "has_targets": bool(self.targets_for(division))})
                entry["areas"] += n
        order = {Level.province.value: 0, Level.city.value: 1, Level.county.value: 2}
        return sorted(found.values(), key=lambda r: (r["code"][:2], "" if r["level"] == Level.province.value
                                                     else r["code"][:4], order[r["level"]], r["code"]))

    # -- coverage -----------------------------------------------------------------------------------------

    def coverage(self, region: str | Division, minutes: float | None = None, *, sites: int = DEFAULT_SITES,
                 progress: Progress | None = None, today: date | None = None) -> Coverage:
        division = region if isinstance(region, Division) else self.resolve(region)
        minutes = float(minutes if minutes is not None else self.default_minutes(division))
        if not 0 < minutes <= MAX_MINUTES:
            raise ValueError(f"步行时间 {minutes:g} 分钟无效，应为 1–{MAX_MINUTES} / "
                             f"minutes must be 1 to {MAX_MINUTES}")
        snapshot = self.registry.snapshot()
        areas = self.areas()
        key = (division.code, minutes, sites, snapshot.version, population_version(self.engine), today)
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        targets = self.targets_for(division)
        names = {d.code: d.name for d in self.divisions.by_code.values() if d.level is Level.county}
        result = compute_coverage(division, areas, list(snapshot.by_id.values()), self.registry.walker, minutes,
                                  targets=targets, sites=sites, county_names=names, today=today, progress=progress)
        result.sources = self._sources(result, targets)
        with self._lock:
            self._results[key] = result
            while len(self._results) > CACHED_RESULTS:
                self._results.popitem(last=False)
        return result

    def _sources(self, result: Coverage, targets: list[RegionTargets]) -> list[str]:
        centres = result.centres
        sample_centres = sum(c.is_sample for c in centres)
        updated = max((c.updated_at for c in centres if c.updated_at), default=None)
        registry = (f"备案托育机构名录：区域内在营机构 {len(centres)} 家"
                    + (f"（其中示例数据 {sample_centres} 家）" if sample_centres else "")
                    + (f"，最近更新 {updated.date().isoformat()}" if updated else "")
                    + f" / Registry of filed centres: {len(centres)} active in the region"
                    + (f" ({sample_centres} of them SAMPLE data)" if sample_centres else "")
                    + (f", last updated {updated.date().isoformat()}" if updated else ""))
        files = sorted({a.source for a in result.areas if a.source})
        imported = max((a.updated_at for a in result.areas if a.updated_at), default=None)
        sample_areas = sum(a.is_sample for a in result.areas)
        population = (f"人口数据：{'、'.join(files) or '—'}（{len(result.areas)} 个区域"
                      + (f"，其中示例数据 {sample_areas} 个" if sample_areas else "")
                      + (f"，最近导入 {imported.date().isoformat()}" if imported else "") + "）"
                      + f" / Population: {', '.join(files) or '—'} ({len(result.areas)} areas"
                      + (f", {sample_areas} SAMPLE" if sample_areas else "")
                      + (f", last imported {imported.date().isoformat()}" if imported else "") + ")")
        documents = []
        for region in targets:
            for doc in dict.fromkeys(t.document for t in region.targets):
                documents.append(f"目标依据 Targets: {doc.number}《{doc.title}》"
                                 f"（{doc.issuer}，{doc.issued.isoformat()}）")
        walk = f"步行模型 Walking model: {result.walk}"
        divisions = ("行政区划与县级政府驻地：Vonng/adcode（CC BY 4.0），见 geodata/data/SOURCES.md / "
                     "Division codes and county seats: Vonng/adcode (CC BY 4.0)")
        return [registry, population, *documents, walk, divisions]
