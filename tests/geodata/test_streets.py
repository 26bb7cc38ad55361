"""Walks and isochrones on a synthetic 5×5 street grid whose answers are known.

Junction (i, j) is i×100 m east and j×100 m north of the south-west corner, placed with pyproj.Geod.fwd,
so every block side is 100 m (to a few millimetres where the meridians converge).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from geopy.distance import geodesic
from shapely.geometry import Point

from geodata.index import CentreIndex, Filters, StraightLineWalker
from geodata.streets import NetworkWalker, StreetNetwork, StreetNetworkError
from geodata.walk import WalkModel
from tests.geodata.factories import make_centre, point_at

MODEL = WalkModel()  # 4.5 km/h = 75 m/min, detour 1.25
SW = (30.2741, 120.1551)  # 杭州
BLOCK_M = 100.0
SIZE = 5


def junction(i: float, j: float) -> tuple[float, float]:
    """(lat, lon) of junction (i, j); fractional i or j gives a point along a street."""
    lat, lon = point_at(*SW, 0, j * BLOCK_M)
    return point_at(lat, lon, 90, i * BLOCK_M)


def line(*points: tuple[float, float], **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties,
            "geometry": {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in points]}}


def grid(river: bool = False, extra: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    """Rows are single 5-vertex LineStrings; columns are one 2-point line per block.

    river=True removes the column blocks between rows 2 and 3, except at column 0 (the one bridge).
    """
    features = [line(*(junction(i, j) for i in range(SIZE)), name=f"东西路{j}") for j in range(SIZE)]
    for i in range(SIZE):
        for j in range(SIZE - 1):
            if river and j == 2 and i > 0:
                continue
            features.append(line(junction(i, j), junction(i, j + 1), name=f"南北路{i}"))
    return {"type": "FeatureCollection", "features": [*features, *extra]}


def walker(data: dict[str, Any], **options: Any) -> NetworkWalker:
    return NetworkWalker(StreetNetwork.from_geojson(data), MODEL, **options)


def test_grid_has_one_node_per_junction_and_two_edges_per_block_row():
    network = StreetNetwork.from_geojson(grid())
    assert len(network) == SIZE * SIZE
    assert network.graph.number_of_edges() == 2 * SIZE * (SIZE - 1)
    assert all(d["length"] == pytest.approx(BLOCK_M, abs=0.01) for _, _, d in network.graph.edges(data=True))


def test_walk_between_opposite_corners_is_the_manhattan_distance():
    minutes, along = walker(grid()).walk_to(*junction(0, 0), *junction(4, 4))
    assert along is True
    assert minutes == pytest.approx(800 / 75, rel=1e-4)  # 10.67 min, not the model's 565.7 m × 1.25


def test_index_reports_the_street_walk_and_the_straight_distance():
    centre = make_centre(lat=junction(4, 4)[0], lon=junction(4, 4)[1])
    index = CentreIndex([centre], walker(grid()))
    [match] = index.within(*junction(0, 0), 15)
    assert match.along_streets is True
    assert match.walk_minutes == pytest.approx(800 / 75, rel=1e-4)
    assert match.distance_m == pytest.approx(math.hypot(400, 400), rel=1e-4)
    assert index.within(*junction(0, 0), 10) == []  # 10.67 minutes along the streets


def test_a_centre_across_the_river_is_as_far_as_the_bridge_makes_it():
    across = junction(4, 3)  # 100 m north of the origin, but the only bridge is at column 0
    without_river, _ = walker(grid()).walk_to(*junction(4, 2), *across)
    with_river, along = walker(grid(river=True)).walk_to(*junction(4, 2), *across)
    assert without_river == pytest.approx(100 / 75, rel=1e-4)
    assert along is True
    assert with_river == pytest.approx((400 + 100 + 400) / 75, rel=1e-4)  # 12 minutes

    index = CentreIndex([make_centre(lat=across[0], lon=across[1])], walker(grid(river=True)))
    assert index.within(*junction(4, 2), 11) == []
    assert [round(m.walk_minutes, 2) for m in index.within(*junction(4, 2), 12.5)] == [12.0]


def test_access_legs_and_a_walk_along_one_block():
    # 10 m north of the street 20 m along the first block, to 5 m south of it 70 m along.
    origin = point_at(*junction(0.2, 0), 0, 10)
    target = point_at(*junction(0.7, 0), 180, 5)
    minutes, along = walker(grid()).walk_to(*origin, *target)
    assert along is True
    assert minutes * 75 == pytest.approx(10 + 50 + 5, abs=0.05)


def test_points_far_from_any_street_fall_back_to_the_straight_line_model():
    far = point_at(*junction(4, 4), 45, 1000)
    streets = walker(grid(), max_access_m=300)
    minutes, along = streets.walk_to(*junction(0, 0), *far)
    assert along is False
    assert minutes == pytest.approx(geodesic(junction(0, 0), far).meters * 1.25 / 75)
    from_far, _ = streets.walk_to(*far, *junction(0, 0))
    assert minutes == pytest.approx(from_far)
    index = CentreIndex([make_centre(lat=far[0], lon=far[1])], streets)
    [match] = index.nearest(*junction(0, 0), limit=1)
    assert match.along_streets is False
    assert match.walk_minutes == pytest.approx(match.distance_m * 1.25 / 75)


def test_a_line_marked_not_walkable_is_ignored():
    expressway = line(junction(0, 0), junction(4, 4), name="绕城高速", walkable=False)
    minutes, _ = walker(grid(extra=(expressway,))).walk_to(*junction(0, 0), *junction(4, 4))
    assert minutes == pytest.approx(800 / 75, rel=1e-4)
    # The same line, walkable, is the short cut (the test can tell the difference).
    footpath = line(junction(0, 0), junction(4, 4), name="斜街")
    minutes, _ = walker(grid(extra=(footpath,))).walk_to(*junction(0, 0), *junction(4, 4))
    assert minutes == pytest.approx(math.hypot(400, 400) / 75, rel=1e-4)


def test_lines_that_cross_without_a_shared_vertex_do_not_connect():
    west, east = point_at(*SW, 270, 200), point_at(*SW, 90, 200)
    south, north = point_at(*SW, 180, 200), point_at(*SW, 0, 200)
    crossing = {"type": "FeatureCollection", "features": [line(west, east), line(south, north)]}
    streets = walker(crossing)
    centre = make_centre(lat=north[0], lon=north[1])
    walks = streets.walks(*west, [centre], np.array([283.0]), max_minutes=15)
    assert walks.minutes.tolist() == [math.inf]  # on a street, but not one you can reach
    assert walks.along_streets.tolist() == [True]
    # With a vertex at the crossing they connect: 200 m + 200 m.
    joined = {"type": "FeatureCollection", "features": [line(west, SW, east), line(south, SW, north)]}
    minutes, along = walker(joined).walk_to(*west, *north)
    assert along is True
    assert minutes == pytest.approx(400 / 75, rel=1e-4)


def test_vertices_less_than_a_metre_apart_are_one_junction():
    end = point_at(*SW, 90, 100)
    nearly = point_at(*end, 0, 0.5)
    data = {"type": "FeatureCollection", "features": [line(SW, end), line(nearly, point_at(*end, 0, 100))]}
    network = StreetNetwork.from_geojson(data)
    assert len(network) == 3
    minutes, along = NetworkWalker(network, MODEL).walk_to(*SW, *point_at(*end, 0, 100))
    assert along is True
    assert minutes * 75 == pytest.approx(200, abs=1)


def test_isochrone_holds_the_streets_reached_and_nothing_else():
    streets = walker(grid())
    area = streets.isochrone(*junction(2, 2), 2)  # 150 m along the streets
    assert area.geom_type == "Polygon"

    def inside(lat: float, lon: float) -> bool:
        return area.contains(Point(lon, lat))

    for reached in [(2, 2), (1, 2), (3, 2), (2, 1), (2, 3), (0.6, 2), (2, 3.4)]:  # 140 m at most
        assert inside(*junction(*reached)), reached
    for beyond in [(0.2, 2), (2, 0.2), (4, 2), (1, 1), (3, 3)]:  # 180 m and more; (1, 1) is 141 m as the crow flies
        assert not inside(*junction(*beyond)), beyond


def test_isochrone_cuts_a_street_reached_from_both_ends_in_two():
    # From mid-block, 165 m reaches 15 m into the far block side from each end; its middle is 200 m away.
    area = walker(grid()).isochrone(*junction(2.5, 2), 165 / 75)
    assert area.contains(Point(junction(2.1, 3)[::-1]))
    assert area.contains(Point(junction(2.9, 3)[::-1]))
    assert not area.contains(Point(junction(2.5, 3)[::-1]))


def test_isochrone_stops_at_the_river():
    area = walker(grid(river=True)).isochrone(*junction(4, 2), 3)  # 225 m
    assert area.contains(Point(junction(4, 1)[::-1]))
    assert area.contains(Point(junction(2, 2)[::-1]))
    assert not area.contains(Point(junction(4, 3)[::-1]))  # 100 m away, 900 m on foot


def test_isochrone_off_the_network_is_the_models_circle():
    far = point_at(*SW, 225, 3000)
    area = walker(grid()).isochrone(*far, 15)
    assert area.contains(Point(point_at(*far, 10, 890)[::-1]))
    assert not area.contains(Point(point_at(*far, 10, 910)[::-1]))


def test_search_radius_is_an_upper_bound_on_the_street_walk():
    assert walker(grid()).search_radius_m(15) == pytest.approx(15 * 75)


def test_index_circle_is_the_isochrone_or_the_geodesic_circle():
    circle = CentreIndex([], StraightLineWalker(MODEL)).circle(*SW, 15)
    assert circle.contains(Point(point_at(*SW, 123, 895)[::-1]))
    assert not circle.contains(Point(point_at(*SW, 123, 905)[::-1]))
    streets = CentreIndex([], walker(grid())).circle(*junction(2, 2), 2)
    assert not streets.contains(Point(junction(1, 1)[::-1]))


@pytest.mark.parametrize(("data", "words"), [
    ({"type": "Feature"}, "FeatureCollection"),
    ({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [120.1, 30.2]}}]}, "feature 1"),
    ({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[30.2, 120.1], [30.3, 120.2]]}}]},
     "[lon, lat]"),
    ({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[120.1, 30.2]]}}]}, "two points"),
    ({"type": "FeatureCollection", "features": [
        line(SW, point_at(*SW, 0, 100), walkable=False)]}, "no walkable line"),
])
def test_bad_street_files_are_refused_with_the_reason(data, words):
    with pytest.raises(StreetNetworkError) as caught:
        StreetNetwork.from_geojson(data)
    assert words in str(caught.value)


def test_an_unreadable_street_file_names_the_file(tmp_path):
    missing = tmp_path / "none.geojson"
    with pytest.raises(StreetNetworkError, match=r"none\.geojson"):
        StreetNetwork.from_geojson(missing)
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(StreetNetworkError, match="not valid JSON"):
        StreetNetwork.from_geojson(broken)


def test_filters_still_apply_along_streets():
    home = make_centre(lat=junction(1, 0)[0], lon=junction(1, 0)[1], inclusive=False)
    inclusive = make_centre(lat=junction(3, 0)[0], lon=junction(3, 0)[1], inclusive=True)
    index = CentreIndex([home, inclusive], walker(grid()))
    assert [m.centre.id for m in index.within(*junction(0, 0), 15)] == [home.id, inclusive.id]
    assert [m.centre.id for m in index.within(*junction(0, 0), 15, Filters(inclusive=True))] == [inclusive.id]


def test_reach_from_many_centres_in_one_pass_gives_the_minutes_to_every_junction():
    network = StreetNetwork.from_geojson(grid(river=True))
    # One centre on the junction (0, 0), one 50 m along the block from (4, 4) towards (3, 4).
    reach = network.reach_from([junction(0, 0), junction(3.5, 4)], max_minutes=8)
    node_at = {(round(float(a), 6), round(float(b), 6)): k
               for k, (a, b) in enumerate(zip(network.node_lats, network.node_lons, strict=True))}

    def minutes(i: int, j: int) -> float:
        lat, lon = junction(i, j)
        return float(reach[node_at[(round(lat, 6), round(lon, 6))]])

    assert minutes(0, 0) == pytest.approx(0, abs=1e-6)
    assert minutes(2, 1) == pytest.approx(300 / 75, rel=1e-4)  # from (0, 0)
    assert minutes(4, 4) == pytest.approx(50 / 75, rel=1e-4)  # from the second centre
    assert minutes(2, 3) == pytest.approx(250 / 75, rel=1e-4)
    assert minutes(4, 2) == pytest.approx(600 / 75, rel=1e-4)  # from (0, 0): the river's only bridge is column 0
    assert minutes(4, 1) == pytest.approx(500 / 75, rel=1e-4)
    # Nearer centres win: (0, 3) is 300 m from (0, 0) over the bridge, 350 m from the other.
    assert minutes(0, 3) == pytest.approx(300 / 75, rel=1e-4)
    assert math.isinf(network.reach_from([junction(0, 0)], max_minutes=2)[node_at[tuple(round(x, 6) for x in
                                                                                        junction(4, 4))]])
    # A residential area 10 m off the street, 30 m along the block from (2, 1) to (3, 1): 300 + 30 + 10 m.
    area = point_at(*junction(2.3, 1), 180, 10)
    assert network.minutes_at(reach, *area) == pytest.approx(340 / 75, rel=1e-3)


def test_reach_from_one_point_equals_its_walks():
    network = StreetNetwork.from_geojson(grid())
    streets = NetworkWalker(network, MODEL)
    origin = point_at(*junction(1.3, 2), 0, 15)
    reach = streets.reach_from([origin], max_minutes=15)
    snap = network.snap(*origin, 300)
    assert snap is not None
    assert np.allclose(reach, network.metres_from(snap, 15 * 75) / 75, equal_nan=False)
    assert math.isinf(float(network.reach_from([point_at(*SW, 225, 3000)], 15).min()))  # off the streets


def test_streets_near_a_point_are_the_segments_around_it():
    network = StreetNetwork.from_geojson(grid())
    segments = NetworkWalker(network, MODEL).streets_near(*junction(0, 0), 120)
    assert segments.shape[1:] == (2, 2)
    ends = {tuple(np.round(s[0], 6)) for s in segments} | {tuple(np.round(s[1], 6)) for s in segments}
    assert tuple(np.round(junction(1, 0), 6)) in ends and tuple(np.round(junction(4, 4), 6)) not in ends
