"""Chinese map coordinate systems (GCJ-02 of 高德/腾讯, BD-09 of 百度) to and from WGS-84.

Uses prcoords (public domain), whose inverses iterate to sub-millimetre precision instead of the
usual one-step approximation that is off by metres.
"""

from __future__ import annotations

from enum import StrEnum

import prcoords


class Crs(StrEnum):
    wgs84 = "wgs84"
    gcj02 = "gcj02"
    bd09 = "bd09"


def to_wgs84(lat: float, lon: float, crs: Crs | str) -> tuple[float, float]:
    crs = Crs(crs)
    if crs is Crs.wgs84:
        return lat, lon
    point = prcoords.Coords(lat, lon)
    result = (prcoords.gcj_wgs_bored if crs is Crs.gcj02 else prcoords.bd_wgs_bored)(point, check_china=False)
    return float(result.lat), float(result.lon)


def from_wgs84(lat: float, lon: float, crs: Crs | str) -> tuple[float, float]:
    """For links out to Chinese maps, which expect their own system."""
    crs = Crs(crs)
    if crs is Crs.wgs84:
        return lat, lon
    point = prcoords.Coords(lat, lon)
    result = (prcoords.wgs_gcj if crs is Crs.gcj02 else prcoords.wgs_bd)(point, check_china=False)
    return float(result.lat), float(result.lon)
