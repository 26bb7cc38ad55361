"""`carecircle centres …`: import, nearest, search, show and export the registry."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from tqdm import tqdm

from api.cli.common import fail, print_json, say, services
from geodata.centre import KIND_LABELS, MODE_LABELS, STATUS_LABELS, Centre, Kind, Mode
from geodata.crs import Crs
from geodata.export import centre_properties, nearest_json, to_geojson, to_hsds
from geodata.importer import UnusableFile
from geodata.index import Filters, check_point
from geodata.upkeep import import_file

centres_app = typer.Typer(help="登记在册的托育机构 / the registry of filed centres", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON only on standard output")]
SAMPLE_MARK = "【示例数据 sample】"


class ExportFormat(StrEnum):
    geojson = "geojson"
    hsds = "hsds"


def register(app: typer.Typer) -> None:
    app.add_typer(centres_app, name="centres")


@centres_app.command("import")
def import_centres(
    file: Annotated[Path, typer.Argument(help="CSV, Excel workbook (.xlsx, first sheet) or GeoJSON FeatureCollection")],
    crs: Annotated[Crs, typer.Option(help="coordinate system of the file")] = Crs.wgs84,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check and report, store nothing")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Import or update centres; every row is checked, and a bad row never stops the good ones."""
    registry = services().registry
    # One bar over the whole import: every row checked, then every accepted row saved.
    with tqdm(desc="检查 checking", unit=" 行 rows", file=sys.stderr, disable=None, mininterval=0.5) as bar:
        rows = [0]

        def on_rows(total: int) -> None:
            rows[0] = total
            bar.reset(total=total if dry_run else 2 * total)  # at most: rejected rows are never saved

        def progress(done: int) -> None:
            bar.update(done)
            if bar.n == rows[0] and not dry_run:
                bar.set_description("保存 saving")

        try:
            report = import_file(registry, file, crs=crs, dry_run=dry_run, actor="cli", on_rows=on_rows,
                                 progress=progress)
        except UnusableFile as exc:
            fail(f"{exc}；未导入任何数据 / nothing was imported")
        bar.total = bar.n
        bar.refresh()
    if as_json:
        print_json(report.as_json())
    else:
        verb = "可导入（试运行，未保存）/ would be imported (dry run)" if dry_run else "已导入 / imported"
        say(f"{len(report.accepted)} 行{verb}；{len(report.rejected)} 行被拒绝 / rejected；"
            f"{len(report.warnings)} 条提醒 / warnings")
        for r in report.rejected:
            say(f"  第 {r.row} 行 row {r.row} (id: {r.id or '—'}):")
            for error in r.as_json(report.lang)["errors"]:
                say(f"    - {error}")
        for w in report.warnings:
            say(f"  第 {w.row} 行 row {w.row} (id: {w.id}) 提醒 warning: {w.as_json(report.lang)['message']}"
                "（该项未导入 / left out）")
    raise typer.Exit(1 if report.rejected else 0)


@centres_app.command("nearest")
def nearest(
    lat: Annotated[float, typer.Option(help="latitude, WGS-84")],
    lon: Annotated[float, typer.Option(help="longitude, WGS-84")],
    inclusive: Annotated[bool, typer.Option("--inclusive", help="only inclusive (普惠) centres")] = False,
    minutes: Annotated[int, typer.Option(min=1, max=60, help="walking minutes")] = 15,
    limit: Annotated[int, typer.Option(min=1, max=100, help="at most this many")] = 5,
    kind: Annotated[list[Kind] | None, typer.Option(help="only these kinds (repeatable)")] = None,
    mode: Annotated[Mode | None, typer.Option(help="only centres offering this service form")] = None,
    age_months: Annotated[int | None, typer.Option(min=0, max=36, help="child's age in months")] = None,
    vacancies: Annotated[bool, typer.Option("--vacancies", help="only centres with free places")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Active centres within a walk of the point, nearest first."""
    try:
        check_point(lat, lon)
    except ValueError as exc:
        fail(str(exc))
    filters = Filters(inclusive=inclusive, kinds=frozenset(kind or ()), mode=mode, age_months=age_months,
                      with_vacancies=vacancies)
    matches = services().registry.within(lat, lon, minutes, filters, limit)
    payload = nearest_json(lat, lon, minutes, matches)
    if as_json:
        print_json(payload)
        return
    if not matches:
        typer.echo(f"{minutes} 分钟步行范围内没有符合条件的在营机构 / "
                   f"no matching centre within {minutes} minutes' walk")
        return
    for i, m in enumerate(matches, 1):
        c = m.centre
        mark = SAMPLE_MARK if c.is_sample else ""
        tags = [KIND_LABELS[c.kind][0], "普惠" if c.inclusive else "非普惠"]
        tags += [MODE_LABELS[x][0] for x in c.modes]
        typer.echo(f"{i}. {mark}{c.name}（{'、'.join(tags)}）")
        typer.echo(f"   约{m.walk_minutes:.0f}分钟步行（估算），直线 {m.distance_m:.0f} 米 · {c.address}")


@centres_app.command("search")
def search(
    name: Annotated[str, typer.Argument(help="the name, or part of it, as you heard it")],
    limit: Annotated[int, typer.Option(min=1, max=50)] = 5,
    as_json: JsonFlag = False,
) -> None:
    """Check whether a centre is filed: fuzzy search by name."""
    found = services().registry.search(name, limit)
    if as_json:
        print_json({"query": name, "results": [
            {**_summary(m.centre), "score": m.score} for m in found]})
        return
    if not found:
        typer.echo(f"登记册中没有找到“{name}”。未备案的机构不得开展托育服务，可向当地卫生健康部门或拨打 12345 核实。\n"
                   f"No filed centre matches '{name}'. Ask the local health commission or call 12345.")
        return
    for m in found:
        c = m.centre
        mark = SAMPLE_MARK if c.is_sample else ""
        typer.echo(f"{mark}{c.name} — {STATUS_LABELS[c.status][0]} / {STATUS_LABELS[c.status][1]}"
                   f"（备案编号 {c.id}，匹配度 {m.score:.0f}）")


@centres_app.command("show")
def show(centre_id: Annotated[str, typer.Argument(help="filing number (备案编号)")], as_json: JsonFlag = False) -> None:
    """One centre, every detail."""
    centre = services().registry.get(centre_id)
    if centre is None:
        fail(f"没有备案编号为“{centre_id}”的机构 / no centre with id '{centre_id}'")
    props = centre_properties(centre)
    if as_json:
        print_json(props)
        return
    for key, value in props.items():
        if value not in (None, "", []):
            typer.echo(f"{key}: {value}")


@centres_app.command("export")
def export(
    format: Annotated[ExportFormat, typer.Option("--format", help="geojson or hsds (Open Referral HSDS 3)")]
    = ExportFormat.geojson,
    output: Annotated[Path | None, typer.Option(help="write to this file instead of standard output")] = None,
) -> None:
    """Export the whole registry, for maps or for exchange with other registries."""
    items = sorted(services().registry.all(), key=lambda c: c.id)
    doc = to_geojson(items) if format is ExportFormat.geojson else to_hsds(items)
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        say(f"已导出 {len(items)} 家机构到 {output} / exported {len(items)} centres")
    else:
        sys.stdout.write(text + "\n")


def _summary(c: Centre) -> dict[str, object]:
    return {"id": c.id, "name": c.name, "address": c.address, "status": c.status.value,
            "kind": c.kind.value, "inclusive": c.inclusive, "district_code": c.district_code,
            "is_sample": c.is_sample}
