"""`carecircle centres …`: import, nearest, search, show and export the registry."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import fail, print_json, run_import, say, services
from api.i18n import distance_msg, msg
from geodata.centre import KIND_LABELS, MODE_LABELS, STATUS_LABELS, Centre, Kind, Mode
from geodata.crs import Crs
from geodata.export import centre_properties, nearest_json, to_geojson, to_hsds
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
    run_import(file, lambda progress: import_file(registry, file, crs=crs, dry_run=dry_run, actor="cli",
                                                  progress=progress),
               None, registry.engine, "registry.import", dry_run=dry_run, as_json=as_json)


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
        typer.echo(msg("cli.none_within", minutes=minutes).both())
        return
    for i, m in enumerate(matches, 1):
        c = m.centre
        mark = SAMPLE_MARK if c.is_sample else ""
        tags = [KIND_LABELS[c.kind][0], "普惠" if c.inclusive else "非普惠"]
        tags += [MODE_LABELS[x][0] for x in c.modes]
        typer.echo(f"{i}. {mark}{c.name}（{'、'.join(tags)}）")
        walk = msg("walk.minutes", n=max(1, round(m.walk_minutes))).zh
        typer.echo(f"   {walk}，{msg('card.straight_line', distance=distance_msg(m.distance_m)).zh} · {c.address}")


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
        typer.echo(msg("cli.not_filed", name=name).lines())
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
        fail(msg("api.no_centre", id=centre_id).both())
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
        say(msg("cli.exported", n=len(items), path=output).both())
    else:
        sys.stdout.write(text + "\n")


def _summary(c: Centre) -> dict[str, object]:
    return {"id": c.id, "name": c.name, "address": c.address, "status": c.status.value,
            "kind": c.kind.value, "inclusive": c.inclusive, "district_code": c.district_code,
            "is_sample": c.is_sample}
