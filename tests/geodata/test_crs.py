"""GCJ-02 and BD-09 conversion against published reference pairs, and round trips."""

from __future__ import annotations

import pytest
from geopy.distance import geodesic
from hypothesis import given
from hypothesis import strategies as st

from geodata.crs import from_wgs84, to_wgs84

# (WGS-84 lat, lon, GCJ-02 lat, lon): the reference pairs published with googollee/eviltransform's tests.
GCJ_PAIRS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),   # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),   # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),   # Beijing
]


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), GCJ_PAIRS)
def test_gcj02_reference_pairs(wlat: float, wlon: float, glat: float, glon: float) -> None:
    assert from_wgs84(wlat, wlon, "gcj02") == pytest.approx((glat, glon), abs=1e-9)
    back = to_wgs84(glat, glon, "gcj02")
    assert geodesic(back, (wlat, wlon)).m < 0.05


def test_gcj02_pair_published_by_gcoord() -> None:
    # hujiulong/gcoord's test: GCJ-02 (45, 123) -> WGS-84 (44.99804071, 122.99395597), to 5 decimals.
    assert to_wgs84(45.0, 123.0, "gcj02") == pytest.approx((44.99804071, 122.99395597), abs=1e-5)


def test_the_offset_is_as_large_as_the_circle() -> None:
    # Why imports must convert: near 阿勒腾席热镇 the GCJ-02 shift is hundreds of metres.
    shifted = from_wgs84(39.60, 109.76, "gcj02")
    assert 100 < geodesic(shifted, (39.60, 109.76)).m < 700


@given(st.floats(18.2, 53.5), st.floats(73.6, 134.7), st.sampled_from(["gcj02", "bd09"]))
def test_round_trip_inside_china_is_within_5_cm(lat: float, lon: float, crs: str) -> None:
    back = to_wgs84(*from_wgs84(lat, lon, crs), crs)
    assert geodesic(back, (lat, lon)).m < 0.05


def test_wgs84_is_left_alone() -> None:
    assert to_wgs84(39.6, 109.76, "wgs84") == (39.6, 109.76)
