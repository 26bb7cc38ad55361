"""A street network from an OpenStreetMap extract (.osm.pbf, .osm, .osm.bz2…), read with pyosmium.

    network, report = read_osm("county.osm.pbf", bbox=(109.70, 39.55, 109.82, 39.65))
    network.save("var/streets.npz")

Which ways are walked (`walkable(tags)`, the decision is OSM's own tags):
- A way with a `highway` tag in WALKABLE_HIGHWAYS (footways, paths, steps, pedestrian streets, residential and
  living streets, service roads, tracks, and ordinary roads from unclassified to primary, which in China have
  pavements or shoulders people walk on), unless `foot=no`, or its `access` is private or no without a `foot` tag
  allowing walkers.
- Motorways and trunk roads (with their links) only where the way says people walk along it: `sidewalk` on either
  side, or `foot=yes|designated|permissive`. `sidewalk=separate` means the pavement is mapped as its own footway,
  which is kept; the carriageway is not.
- Nothing else: railways, waterways, buildings, roads under construction or only proposed, racetracks.
Nodes shared by two ways are the junctions (OSM draws every junction as a shared node). With a bbox
(min lon, min lat, max lon, max lat), a segment is kept when at least one of its ends lies inside.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from geodata.streets import StreetNetwork, StreetNetworkError

WALKABLE_HIGHWAYS = frozenset({
    "footway", "pedestrian", "path", "steps", "living_street", "residential", "service", "track", "corridor",
    "cycleway", "bridleway", "unclassified", "road", "tertiary", "tertiary_link", "secondary", "secondary_link",
    "primary", "primary_link",
})
FAST_ROADS = frozenset({"motorway", "motorway_link", "trunk", "trunk_link"})
SIDEWALK_HERE = frozenset({"both", "left", "right", "yes"})
FOOT_ALLOWED = frozenset({"yes", "designated", "permissive"})
CLOSED_ACCESS = frozenset({"no", "private"})

# Reasons a way is left out, as the import reports them.
NOT_A_STREET = "not a street for walking (highway=construction, proposed, raceway, …)"
FAST_ROAD = "motorway or trunk road with no sidewalk or foot access"
NO_FOOT = "foot=no, or private/no access"


def walkable(tags: Mapping[str, str]) -> tuple[bool, str | None]:
    """Whether people walk along a way with these tags, and if not, why (one of the reasons above)."""
    highway = tags.get("highway")
    foot = tags.get("foot")
    if highway in FAST_ROADS:
        sidewalk = {tags.get("sidewalk"), tags.get("sidewalk:both"), tags.get("sidewalk:left"),
                    tags.get("sidewalk:right")}
        if foot in FOOT_ALLOWED or sidewalk & SIDEWALK_HERE:
            return True, None
        return False, FAST_ROAD
    if highway not in WALKABLE_HIGHWAYS:
        return False, NOT_A_STREET
    if foot == "no" or (tags.get("access") in CLOSED_ACCESS and foot not in FOOT_ALLOWED):
        return False, NO_FOOT
    return True, None


@dataclass
class OsmReport:
    ways_read: int = 0  # ways with a highway tag
    ways_kept: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    segments_outside_bbox: int = 0
    nodes: int = 0
    edges: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"ways_read": self.ways_read, "ways_kept": self.ways_kept, "dropped": dict(self.dropped),
                "segments_outside_bbox": self.segments_outside_bbox, "nodes": self.nodes, "edges": self.edges}


def read_osm(path: str | Path, bbox: tuple[float, float, float, float] | None = None
             ) -> tuple[StreetNetwork, OsmReport]:
    """The walkable street network of an OSM extract (see the module's docstring), and what was kept and why."""
    import osmium

    report = OsmReport()
    ids: list[int] = []  # OSM node id of each segment end, pairwise
    lats: list[float] = []
    lons: list[float] = []

    class Ways(osmium.SimpleHandler):
        def way(self, way: Any) -> None:
            tags = way.tags
            if "highway" not in tags:
                return
            report.ways_read += 1
            ok, why = walkable({k: tags.get(k) for k in ("highway", "foot", "access", "sidewalk", "sidewalk:both",
                                                         "sidewalk:left", "sidewalk:right") if k in tags})
            if not ok:
                report.dropped[str(why)] += 1
                return
            report.ways_kept += 1
            refs = [(n.ref, n.location) for n in way.nodes]
            for (a, la), (b, lb) in pairwise(refs):
                if a == b or not (la.valid() and lb.valid()):
                    continue
                if bbox is not None and not (_inside(la, bbox) or _inside(lb, bbox)):
                    report.segments_outside_bbox += 1
                    continue
                ids.extend((a, b))
                lats.extend((la.lat, lb.lat))
                lons.extend((la.lon, lb.lon))

    try:
        Ways().apply_file(str(path), locations=True)
    except RuntimeError as exc:  # pyosmium's errors for unreadable or malformed files
        raise StreetNetworkError(f"无法读取 OSM 文件 {path} / cannot read OSM file {path}: {exc}") from exc
    if not ids:
        raise StreetNetworkError(f"OSM 文件 {path} 中没有可步行的道路 / no walkable way in OSM file {path}"
                                 + (" inside the bbox" if bbox else ""))
    osm_ids = np.asarray(ids, dtype=np.int64)
    unique, first, index = np.unique(osm_ids, return_index=True, return_inverse=True)
    network = StreetNetwork(np.asarray(lats)[first], np.asarray(lons)[first], index.reshape(-1, 2))
    report.nodes, report.edges = len(network), network.edge_count
    del unique
    return network, report


def _inside(location: Any, bbox: tuple[float, float, float, float]) -> bool:
    west, south, east, north = bbox
    return bool(west <= location.lon <= east and south <= location.lat <= north)


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """`min_lon,min_lat,max_lon,max_lat` (as osmium and OSM tools write it), checked."""
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise ValueError("--bbox 应为 最小经度,最小纬度,最大经度,最大纬度 / --bbox must be "
                         "min_lon,min_lat,max_lon,max_lat") from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValueError(f"--bbox {text} 无效：经度 -180~180、纬度 -90~90，且最小值小于最大值 / --bbox {text}: "
                         "longitudes -180..180 and latitudes -90..90, each minimum below its maximum")
    return west, south, east, north
