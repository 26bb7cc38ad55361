"""Links out to map apps, each in the coordinate system that app expects."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from geodata.crs import Crs, from_wgs84


@dataclass(frozen=True)
class MapLink:
    app: str  # amap, baidu, apple
    label_zh: str
    label_en: str
    url: str
    crs: Crs


def map_links(lat: float, lon: float, name: str) -> list[MapLink]:
    """高德 wants GCJ-02, 百度 BD-09; Apple Maps shows GCJ-02 inside China too."""
    glat, glon = from_wgs84(lat, lon, Crs.gcj02)
    blat, blon = from_wgs84(lat, lon, Crs.bd09)
    q = quote(name)
    return [
        MapLink("amap", "高德地图", "Amap", f"https://uri.amap.com/marker?position={glon:.6f},{glat:.6f}&name={q}"
                f"&coordinate=gaode&callnative=1", Crs.gcj02),
        MapLink("baidu", "百度地图", "Baidu Maps", f"https://api.map.baidu.com/marker?location={blat:.6f},{blon:.6f}"
                f"&title={q}&content={q}&coord_type=bd09ll&output=html&src=carecircle", Crs.bd09),
        MapLink("apple", "Apple 地图", "Apple Maps", f"https://maps.apple.com/?ll={glat:.6f},{glon:.6f}&q={q}",
                Crs.gcj02),
    ]
