"""`carecircle streets import FILE.osm.pbf [--bbox …]`: the street network that walks and the circle follow."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import fail, print_json, say

streets_app = typer.Typer(help="街道网络 / the street network that walks follow", no_args_is_help=True)

DEFAULT_OUTPUT = Path("var") / "streets.npz"


def register(app: typer.Typer) -> None:
    app.add_typer(streets_app, name="streets")


@streets_app.command("import")
def import_streets(
    file: Annotated[Path, typer.Argument(help="an OpenStreetMap extract: .osm.pbf (or .osm, .osm.bz2)")],
    bbox: Annotated[str | None, typer.Option(
        help="keep only streets in min_lon,min_lat,max_lon,max_lat (WGS-84), e.g. a county")] = None,
    output: Annotated[Path, typer.Option(help="where to write the compact network")] = DEFAULT_OUTPUT,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON only on standard output")] = False,
) -> None:
    """Read an OSM extract, keep the ways people walk along, and store the network in a compact form.

    Then set CARECIRCLE_STREETS_FILE to the output file: walks, the 15-minute circle and the finder's map follow
    the streets."""
    from geodata.osm import parse_bbox, read_osm
    from geodata.streets import StreetNetworkError

    if not file.is_file():
        fail(f"找不到文件 {file} / no such file: {file}")
    try:
        box = parse_bbox(bbox) if bbox else None
    except ValueError as exc:
        fail(str(exc))
    started = time.perf_counter()
    try:
        network, report = read_osm(file, box)
    except StreetNetworkError as exc:
        fail(str(exc))
    output.parent.mkdir(parents=True, exist_ok=True)
    network.save(output)
    seconds = round(time.perf_counter() - started, 2)
    if as_json:
        print_json({"file": str(file), "output": str(output), "bbox": list(box) if box else None,
                    **report.as_json(), "seconds": seconds})
        return
    say(f"已读取 {report.ways_read} 条道路，保留可步行的 {report.ways_kept} 条："
        f"{report.nodes} 个节点、{report.edges} 段 / read {report.ways_read} ways, kept {report.ways_kept} "
        f"walkable: {report.nodes} nodes, {report.edges} segments ({seconds} s)")
    for reason, count in sorted(report.dropped.items()):
        say(f"  未保留 dropped {count}: {reason}")
    if report.segments_outside_bbox:
        say(f"  范围外 outside the bbox: {report.segments_outside_bbox} segments")
    say(f"已写入 {output}；设置 CARECIRCLE_STREETS_FILE={output} 后，步行时间和15分钟圈将沿街道计算 / written to "
        f"{output}; set CARECIRCLE_STREETS_FILE={output} and walks follow the streets")
