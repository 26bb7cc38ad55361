"""Links out to map apps, each in the coordinate system that app expects."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from geodata.centre import CHINA_LAT, CHINA_LON
from geodata.crs import Crs, from_wgs84

CRS_LABELS = {Crs.gcj02: ("GCJ-02坐标", "GCJ-02 coordinates"), Crs.bd09: ("BD-09坐标", "BD-09 coordinates"),
              Crs.wgs84: ("WGS-84坐标", "WGS-84 coordinates")}


@dataclass(frozen=True)
class MapLink:
    app: str  # amap, baidu, apple
    label_zh: str
    label_en: str
    url: str
    crs: Crs


def in_china(lat: float, lon: float) -> bool:
    """China's bounding box (generous at the edges): inside it Chinese maps, and Apple's, expect GCJ-02."""
    return CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LON[0] <= lon <= CHINA_LON[1]


def map_links(lat: float, lon: float, name: str, address: str = "") -> list[MapLink]:
    """高德 wants GCJ-02, 百度 BD-09; Apple Maps GCJ-02 inside China and WGS-84 elsewhere."""
    glat, glon = from_wgs84(lat, lon, Crs.gcj02)
    blat, blon = from_wgs84(lat, lon, Crs.bd09)
    apple = Crs.gcj02 if in_china(lat, lon) else Crs.wgs84
    alat, alon = (glat, glon) if apple is Crs.gcj02 else (lat, lon)
    q = quote(name)
    return [
        MapLink("amap", "高德地图", "Amap", f"https://uri.amap.com/marker?position={glon:.6f},{glat:.6f}&name={q}"
                f"&coordinate=gaode&callnative=1", Crs.gcj02),
        MapLink("baidu", "百度地图", "Baidu Maps", f"https://api.map.baidu.com/marker?location={blat:.6f},{blon:.6f}"
                f"&title={q}&content={quote(address or name)}&coord_type=bd09ll&output=html&src=carecircle",
                Crs.bd09),
        MapLink("apple", "Apple 地图", "Apple Maps", f"https://maps.apple.com/?ll={alat:.6f},{alon:.6f}&q={q}", apple),
    ]
