"""An OSM extract, written with pyosmium here, read into a street network: which ways are kept, and the walk.

The layout (junction (i, j) is i×100 m east and j×100 m north of SW, as in test_streets.py):

    n6 (0,1) ─steps─ n4 (1,1) ─pedestrian─ n5 (2,1)
     │construction  ╱  │foot=no               │service, access=private, foot=yes
     │      motorway   │                      │
    n1 (0,0) ─footway─ n2 (1,0) ─residential─ n3 (2,0) ─trunk, sidewalk=both─ n7 (3,0) ─trunk_link─ n8 (4,0)

Also: a service road n5–n4 with access=private (and no foot tag), and a building outline (no highway tag).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import osmium
import pytest

from geodata.osm import FAST_ROAD, NO_FOOT, NOT_A_STREET, parse_bbox, read_osm, walkable
from geodata.streets import NetworkWalker, StreetNetwork, StreetNetworkError
from geodata.walk import WalkModel
from tests.geodata.test_streets import junction

MODEL = WalkModel()  # 75 m a minute
NODES = {1: (0, 0), 2: (1, 0), 3: (2, 0), 4: (1, 1), 5: (2, 1), 6: (0, 1), 7: (3, 0), 8: (4, 0)}
WAYS: list[tuple[int, list[int], dict[str, str]]] = [
    (101, [1, 2], {"highway": "footway"}),
    (102, [2, 3], {"highway": "residential", "name": "人民路"}),
    (103, [1, 4], {"highway": "motorway"}),
    (104, [2, 4], {"highway": "path", "foot": "no"}),
    (105, [3, 5], {"highway": "service", "access": "private", "foot": "yes"}),
    (106, [5, 4], {"highway": "service", "access": "private"}),
    (107, [5, 4], {"highway": "pedestrian"}),
    (108, [3, 7], {"highway": "trunk", "sidewalk": "both"}),
    (109, [7, 8], {"highway": "trunk_link"}),
    (110, [6, 1], {"highway": "construction"}),
    (111, [4, 6], {"highway": "steps"}),
    (112, [4, 5, 6, 4], {"building": "yes"}),
]
KEPT = {(1, 2), (2, 3), (3, 5), (4, 5), (3, 7), (4, 6)}


def write_extract(path: Path) -> Path:
    writer = osmium.SimpleWriter(str(path))
    for node_id, (i, j) in NODES.items():
        lat, lon = junction(i, j)
        writer.add_node(osmium.osm.mutable.Node(id=node_id, location=(lon, lat), version=1))
    for way_id, refs, tags in WAYS:
        writer.add_way(osmium.osm.mutable.Way(id=way_id, nodes=refs, tags=tags, version=1))
    writer.close()
    return path


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    return write_extract(tmp_path / "county.osm.pbf")


def edges_by_osm_id(network: StreetNetwork) -> set[tuple[int, int]]:
    """The network's edges as pairs of the extract's node ids (matched by position)."""
    where = {(round(lat, 7), round(lon, 7)): node_id for node_id, (lat, lon) in
             ((k, junction(*ij)) for k, ij in NODES.items())}
    ids = [where[(round(a, 7), round(b, 7))] for a, b in zip(network.node_lats, network.node_lons, strict=True)]
    return {tuple(sorted((ids[u], ids[v]))) for u, v in zip(network.edge_u, network.edge_v, strict=True)}  # type: ignore[misc]


def test_the_walkable_ways_are_kept_and_the_rest_dropped_with_reasons(extract: Path) -> None:
    network, report = read_osm(extract)
    assert edges_by_osm_id(network) == KEPT
    assert report.ways_read == 11 and report.ways_kept == 6
    assert dict(report.dropped) == {FAST_ROAD: 2, NO_FOOT: 2, NOT_A_STREET: 1}
    assert (report.nodes, report.edges) == (7, 6)  # n8 hangs only on the dropped trunk_link


def test_the_walk_goes_round_the_dropped_shortcuts(extract: Path) -> None:
    walker = NetworkWalker(read_osm(extract)[0], MODEL)
    # n1 → n4: not the motorway (141 m) nor the foot=no path (200 m), but n1–n2–n3–n5–n4: 400 m.
    minutes, along = walker.walk_to(*junction(0, 0), *junction(1, 1))
    assert along is True
    assert minutes == pytest.approx(400 / 75, rel=1e-4)
    # n1 → n7 along the trunk's sidewalk: 300 m; n6 is reached by the steps from n4: 500 m, not by construction.
    assert walker.walk_to(*junction(0, 0), *junction(3, 0))[0] == pytest.approx(300 / 75, rel=1e-4)
    assert walker.walk_to(*junction(0, 0), *junction(0, 1))[0] == pytest.approx(500 / 75, rel=1e-4)


def test_a_bbox_keeps_segments_with_an_end_inside(extract: Path) -> None:
    south_west, north_east = junction(-0.5, -0.5), junction(1.5, 0.5)  # round n1 and n2 only
    network, report = read_osm(extract, bbox=(south_west[1], south_west[0], north_east[1], north_east[0]))
    assert edges_by_osm_id(network) == {(1, 2), (2, 3)}
    assert report.segments_outside_bbox == 4


def test_the_compact_form_loads_the_same_network(extract: Path, tmp_path: Path) -> None:
    network, _ = read_osm(extract)
    network.save(tmp_path / "streets.npz")
    loaded = StreetNetwork.open(tmp_path / "streets.npz")
    assert np.array_equal(loaded.node_lats, network.node_lats) and np.array_equal(loaded.edge_u, network.edge_u)
    assert np.array_equal(loaded.edge_length, network.edge_length)
    assert NetworkWalker(loaded, MODEL).walk_to(*junction(0, 0), *junction(1, 1))[0] == pytest.approx(400 / 75,
                                                                                                      rel=1e-4)


def test_unreadable_or_empty_extracts_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"not a pbf")
    with pytest.raises(StreetNetworkError):
        read_osm(bad)
    empty = tmp_path / "empty.osm.pbf"
    writer = osmium.SimpleWriter(str(empty))
    writer.add_node(osmium.osm.mutable.Node(id=1, location=(109.7, 39.6), version=1))
    writer.close()
    with pytest.raises(StreetNetworkError, match="no walkable way"):
        read_osm(empty)
    with pytest.raises(StreetNetworkError):
        StreetNetwork.open(tmp_path / "missing.npz")


@pytest.mark.parametrize(("tags", "kept"), [
    ({"highway": "primary"}, True),
    ({"highway": "primary", "foot": "no"}, False),
    ({"highway": "trunk", "sidewalk": "separate"}, False),
    ({"highway": "trunk", "sidewalk:left": "yes"}, True),
    ({"highway": "motorway_link", "foot": "designated"}, True),
    ({"highway": "residential", "access": "no", "foot": "permissive"}, True),
    ({"highway": "proposed"}, False),
    ({"railway": "rail"}, False),
])
def test_walkable_tags(tags: dict[str, str], kept: bool) -> None:
    assert walkable(tags)[0] is kept


def test_bbox_parsing() -> None:
    assert parse_bbox("109.7,39.5,109.9,39.7") == (109.7, 39.5, 109.9, 39.7)
    for bad in ("109.9,39.5,109.7,39.7", "1,2,3", "a,b,c,d", "109,95,110,96"):
        with pytest.raises(ValueError):
            parse_bbox(bad)


def test_import_command_writes_the_network_and_reports(extract: Path, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    import json

    output = tmp_path / "out" / "streets.npz"
    result = cli("streets", "import", str(extract), "--output", str(output), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["ways_kept"], report["nodes"], report["edges"]) == (6, 7, 6)
    assert report["dropped"] == {FAST_ROAD: 2, NO_FOOT: 2, NOT_A_STREET: 1}
    assert StreetNetwork.open(output).edge_count == 6
    refused = cli("streets", "import", str(extract), "--bbox", "1,2,3", "--output", str(output))
    assert refused.exit_code == 2 and "--bbox" in refused.stderr
    assert cli("streets", "import", str(tmp_path / "nope.osm.pbf")).exit_code == 2
    assert math.isfinite(report["seconds"])
