"""`carecircle population import` and `carecircle coverage`: population data, and coverage against the targets."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from tqdm import tqdm

from api.cli.common import fail, print_json, run_import, say, services
from geodata.coverage import DEFAULT_GAPS, DEFAULT_SITES, Coverage
from geodata.coverage_report import file_name, to_csv, to_xlsx
from geodata.crs import Crs
from geodata.divisions import UnknownDivision
from geodata.targets import SHARES, Measure

population_app = typer.Typer(help="常住人口（社区、村）/ residential areas and their population", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON only on standard output")]
STAGES = {"areas": "测算步行覆盖 walks", "accessibility": "供需比 2SFCA", "sites": "建议选址 sites"}
SAMPLE_MARK = "【示例数据 sample】"


def register(app: typer.Typer) -> None:
    app.add_typer(population_app, name="population")
    app.command("coverage")(coverage)


@population_app.command("import")
def import_population(
    file: Annotated[Path, typer.Argument(help="CSV or .xlsx: id, name, lat, lon, population (+ district_code, town, "
                                              "urban, under3, new_area); Chinese headers accepted")],
    crs: Annotated[Crs, typer.Option(help="coordinate system of the file")] = Crs.wgs84,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check and report, store nothing")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Import or update residential areas (communities, villages) with their population; a bad row never stops
    the good ones."""
    planner = services().planner
    run_import(file, lambda progress: planner.read_file(file, crs, progress=progress), planner.save, planner.engine,
               "population.import", dry_run=dry_run, as_json=as_json)


def coverage(
    region: Annotated[str, typer.Option(help="county, prefecture-level city or province: 6-digit code or name")],
    minutes: Annotated[int | None, typer.Option(min=1, max=60, help="walking minutes (default: the region's own "
                                                                    "circle, else 15)")] = None,
    sites: Annotated[int, typer.Option(min=0, max=200, help="suggest at most this many sites")] = DEFAULT_SITES,
    gaps: Annotated[int, typer.Option(min=0, max=1_000_000, help="list this many gaps")] = DEFAULT_GAPS,
    output: Annotated[Path | None, typer.Option(help="also write the report: a .xlsx or .csv file")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Coverage of a region: places per 1,000, inclusive share, people within the walk, gaps, targets and where to
    build next."""
    if output is not None and output.suffix.lower() not in {".xlsx", ".csv"}:
        fail(f"--output: 应为 .xlsx 或 .csv 文件 / must end in .xlsx or .csv, got '{output.name}'")
    planner = services().planner
    try:
        division = planner.resolve(region)
    except UnknownDivision as exc:
        fail(f"--region: {exc}")
    with _Bars() as bars:
        result = planner.coverage(division, minutes, sites=sites, progress=bars.update)
    if output is not None:
        data = to_xlsx(result) if output.suffix.lower() == ".xlsx" else to_csv(result)
        try:
            output.write_bytes(data)
        except OSError as exc:
            fail(f"--output: 无法写入 {output}：{exc.strerror} / cannot write {output}: {exc.strerror}")
        say(f"报告已写入 {output} / report written to {output} (as downloaded: {file_name(result, output.suffix[1:])})")
    if as_json:
        print_json(result.as_json(gaps))
        return
    for line in describe(result, gaps):
        typer.echo(line)


def describe(result: Coverage, gaps: int) -> list[str]:
    """The result for people, in Chinese with English."""
    f = result.figures
    d = result.division
    mark = SAMPLE_MARK if result.sample else ""
    lines = [f"{mark}{d.full_name}（{d.code}）托育服务覆盖情况 · {result.computed_on.isoformat()}",
             f"Childcare coverage of {d.name} ({d.code}); walk: {result.walk}"]
    if not f.areas:
        lines.append("该地区还没有人口数据：请先用 carecircle population import 导入。/ No population data for this "
                     "region yet: import it with carecircle population import.")
        return lines
    lines += [
        f"常住人口 population {f.population:,}（{f.areas} 个社区/村 areas）",
        f"托位 places {f.places:,}；每千人 per 1,000: {_rate(f.places_per_1000)}；普惠 inclusive {f.inclusive_places:,}"
        f"（{_share(f.inclusive_share)}）",
        f"覆盖 covered: {f.covered_areas}/{f.areas} 个社区/村 areas，人口 people {_share(f.coverage)}；"
        f"普惠机构覆盖 by inclusive centres {_share(f.inclusive_coverage)}",
        f"城市社区 urban areas: {f.urban_covered_areas}/{f.urban_areas}（{_share(f.urban_coverage)}）",
    ]
    if result.towns_without_inclusive:
        towns = "、".join(t for _, t in result.towns_without_inclusive)
        lines.append(f"没有普惠机构的乡镇/街道 towns without an inclusive centre: {towns}")
    if result.targets:
        lines.append("目标 targets:")
    for check in result.targets:
        t = check.target
        verdict = {True: "达标 met", False: "未达标 missed", None: "无法计算 n/a"}[check.met]
        shares = t.measure in SHARES
        counts = t.measure is Measure.towns_without_inclusive
        value = _share(check.value) if shares else f"{check.value:.0f}" if counts and check.value is not None \
            else _rate(check.value)
        figure = f"{t.figure * 100:g}%" if shares else f"{t.figure:g}"
        inferred = "，单位为推定 unit inferred" if t.unit_inferred else ""
        due = f"，期限 by {t.by.isoformat()}" if t.by else ""
        set_by = f"（{check.applies_to[1]}）" if check.applies_to[0] != d.code else ""
        lines.append(f"  [{verdict}] {t.name.zh} {t.name.en}: {value}（目标 target {figure}{inferred}{due}）"
                     f" — {t.document.number} {t.article}{set_by}")
    for u in result.not_measured:
        lines.append(f"  [未测 not measured] {u.name.zh}: {u.figure} — {u.reason.zh} / {u.reason.en}")
    listed = result.gap_list(gaps)
    if listed:
        lines.append(f"缺口 gaps（{len(result.gaps)} 个未覆盖，人口多的在前 uncovered, most populous first）:")
    for gap in listed:
        nearest = "无 none" if gap.nearest_m == float("inf") else f"{gap.nearest_m:,.0f} 米 m"
        lines.append(f"  {gap.area.name}（{gap.area.id}）{gap.area.population:,} 人 people；最近的机构 nearest centre "
                     f"{nearest}")
    if result.suggestions:
        lines.append("建议选址 where to build next:")
    for number, s in enumerate(result.suggestions, start=1):
        lines.append(f"  {number}. {s.near.name}附近 near ({s.lat:.5f}, {s.lon:.5f}): +{s.adds_population:,} 人 "
                     f"people, +{s.adds_areas} 个社区 areas → 覆盖 coverage {_share(s.coverage_after)}")
    return lines


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


class _Bars:
    """A progress bar per stage of a long computation, on standard error (hidden when it is not a terminal)."""

    def __init__(self) -> None:
        self.bars: dict[str, Any] = {}

    def update(self, stage: str, done: int, total: int) -> None:
        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(desc=STAGES.get(stage, stage), total=total, file=sys.stderr, disable=None,
                                          mininterval=0.5, leave=False)
        bar.update(done - bar.n)

    def __enter__(self) -> _Bars:
        return self

    def __exit__(self, *exc: object) -> None:
        for bar in self.bars.values():
            bar.close()
