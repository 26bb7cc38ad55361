"""The index against an independent brute force: geopy's geodesic over every centre, filters written afresh."""

from __future__ import annotations

import math

import pytest
from geopy.distance import geodesic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodata.centre import Centre, Kind, Mode, Status
from geodata.index import CentreIndex, Filters, StraightLineWalker
from geodata.walk import WalkModel
from tests.geodata.factories import BEIJING, centre_at, make_centre, point_at, ring_of_centres

MODEL = WalkModel()
WALKER = StraightLineWalker(MODEL)
RELATIVE = 1e-6  # answers within this of the circle's edge may fall either side
METRES = 1e-6  # pyproj and geopy (both Karney's algorithm) agree far better than this

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def oracle_accepts(c: Centre, f: Filters) -> bool:
    """The filters as the issue states them, written without looking at Filters.accepts."""
    if c.status != Status.active:
        return False
    if f.inclusive and not c.inclusive:
        return False
    if f.kinds and c.kind not in f.kinds:
        return False
    if f.mode is not None and f.mode not in c.modes:
        return False
    if f.age_months is not None:
        youngest = 0 if c.min_age_months is None else c.min_age_months
        oldest = 36 if c.max_age_months is None else c.max_age_months
        if not youngest <= f.age_months <= oldest:
            return False
    return not (f.with_vacancies and not c.vacancies)


def oracle_minutes(metres: float) -> float:
    return metres * 1.25 / (4.5 * 1000 / 60)


# Few distinct ages, so that a child's age often sits exactly on a centre's youngest or oldest.
AGES = st.sampled_from([0, 6, 11, 12, 24, 25, 36])


@st.composite
def registries(draw: st.DrawFn) -> tuple[tuple[float, float], list[Centre]]:
    """A point in China and up to 12 centres within ~1.5 km, some sharing a spot, every attribute varied."""
    origin = (draw(st.floats(18.5, 53.0)), draw(st.floats(74.0, 134.0)))
    count = draw(st.integers(0, 12))
    ids = draw(st.permutations([f"C{n:02d}" for n in range(count)]))  # id order is not distance order
    centres: list[Centre] = []
    for centre_id in ids:
        if centres and draw(st.booleans()) and draw(st.booleans()):
            twin = draw(st.sampled_from(centres))
            lat, lon = twin.lat, twin.lon  # an exact tie in distance
        else:
            distance = draw(st.one_of(st.floats(0, 1600), st.sampled_from([0.0, 899.999, 900.0, 900.001])))
            lat, lon = point_at(*origin, draw(st.floats(0, 360, exclude_max=True)), distance)
        low, high = sorted((draw(AGES), draw(AGES)))
        capacity = draw(st.integers(0, 80))
        centres.append(make_centre(
            id=centre_id, lat=lat, lon=lon,
            kind=draw(st.sampled_from(Kind)), inclusive=draw(st.booleans()),
            status=draw(st.sampled_from([Status.active, Status.active, Status.suspended, Status.closed])),
            modes=tuple(draw(st.sets(st.sampled_from(Mode), max_size=4))),
            min_age_months=draw(st.one_of(st.none(), st.just(low))),
            max_age_months=draw(st.one_of(st.none(), st.just(high))),
            capacity=capacity, vacancies=draw(st.one_of(st.none(), st.integers(0, capacity))),
        ))
    return origin, centres


filters_strategy = st.builds(
    Filters,
    inclusive=st.booleans(),
    kinds=st.frozensets(st.sampled_from(Kind), max_size=3),
    mode=st.one_of(st.none(), st.sampled_from(Mode)),
    age_months=st.one_of(st.none(), AGES),
    with_vacancies=st.booleans(),
)


def check_answer(got, origin, centres, filters, minutes, limit):
    """`got` must be exactly what brute force says, but for float noise at the edge and among ties."""
    metres = {c.id: geodesic(origin, (c.lat, c.lon)).meters for c in centres}
    eligible = {c.id for c in centres if oracle_accepts(c, filters)}
    ids = [m.centre.id for m in got]
    assert len(ids) == len(set(ids))
    for m in got:
        assert m.centre.id in eligible
        assert m.distance_m == pytest.approx(metres[m.centre.id], abs=METRES)
        assert m.walk_minutes == pytest.approx(oracle_minutes(m.distance_m), rel=1e-12)
        assert m.along_streets is False
        if minutes is not None:
            assert m.walk_minutes <= minutes * (1 + RELATIVE)
    assert [(m.distance_m, m.centre.id) for m in got] == sorted((m.distance_m, m.centre.id) for m in got)

    surely_in = {i for i in eligible if minutes is None or oracle_minutes(metres[i]) <= minutes * (1 - RELATIVE)}
    if limit is not None:
        assert len(got) <= limit
    if limit is not None and len(got) == limit:
        # Full: anything left out must be no nearer than the farthest kept.
        farthest = max(m.distance_m for m in got)
        assert all(metres[i] >= farthest - METRES for i in surely_in - set(ids))
    else:
        assert surely_in <= set(ids)


@FAST
@given(registries(), filters_strategy, st.sampled_from([1, 5, 10, 12.5, 15, 20, 60]),
       st.one_of(st.none(), st.integers(1, 4)))
def test_within_agrees_with_brute_force(registry, filters, minutes, limit):
    origin, centres = registry
    got = CentreIndex(centres, WALKER).within(*origin, minutes, filters, limit)
    check_answer(got, origin, centres, filters, minutes, limit)


@FAST
@given(registries(), filters_strategy, st.integers(1, 6))
def test_nearest_agrees_with_brute_force(registry, filters, limit):
    origin, centres = registry
    got = CentreIndex(centres, WALKER).nearest(*origin, filters, limit)
    check_answer(got, origin, centres, filters, None, limit)
    eligible = sum(oracle_accepts(c, filters) for c in centres)
    assert len(got) == min(limit, eligible)


@pytest.mark.parametrize("origin", [(18.3, 109.5), BEIJING, (45.8, 126.5), (43.8, 87.6), (53.0, 122.3)])
def test_a_centre_exactly_900_m_away_is_inside_the_15_minute_circle(origin):
    on_edge = [centre_at(*origin, bearing, 900.0, id=f"E{bearing:03d}") for bearing in range(0, 360, 30)]
    outside = [centre_at(*origin, bearing, 900.01, id=f"X{bearing:03d}") for bearing in range(15, 360, 30)]
    got = CentreIndex(on_edge + outside, WALKER).within(*origin, 15)
    assert sorted(m.centre.id for m in got) == sorted(c.id for c in on_edge)
    for m in got:
        assert geodesic(origin, (m.centre.lat, m.centre.lon)).meters == pytest.approx(900, rel=RELATIVE)
        assert m.walk_minutes == pytest.approx(15, rel=RELATIVE)


def test_ties_are_broken_by_id_and_the_limit_cuts_after_sorting():
    spot = point_at(*BEIJING, 45, 300)
    same = [make_centre(id=i, lat=spot[0], lon=spot[1]) for i in ("C", "A", "B")]
    nearer = centre_at(*BEIJING, 200, 299, id="Z")
    index = CentreIndex([*same, nearer], WALKER)
    assert [m.centre.id for m in index.within(*BEIJING, 15)] == ["Z", "A", "B", "C"]
    assert [m.centre.id for m in index.within(*BEIJING, 15, limit=2)] == ["Z", "A"]
    assert [m.centre.id for m in index.nearest(*BEIJING, limit=3)] == ["Z", "A", "B"]


@pytest.mark.parametrize(("age", "taken"), [(11, False), (12, True), (18, True), (24, True), (25, False)])
def test_age_limits_are_inclusive(age, taken):
    centre = centre_at(*BEIJING, 0, 100, min_age_months=12, max_age_months=24)
    got = CentreIndex([centre], WALKER).within(*BEIJING, 15, Filters(age_months=age))
    assert bool(got) is taken


def test_only_active_centres_are_returned():
    statuses = [Status.active, Status.suspended, Status.closed]
    centres = [centre_at(*BEIJING, 10, 100 * (n + 1), id=s.value, status=s) for n, s in enumerate(statuses)]
    index = CentreIndex(centres, WALKER)
    assert len(index) == 1
    assert [m.centre.id for m in index.within(*BEIJING, 15)] == ["active"]
    assert [m.centre.id for m in index.nearest(*BEIJING, limit=5)] == ["active"]


def test_the_contract_figures_at_the_defaults():
    centre = centre_at(*BEIJING, 90, 612.4)
    [m] = CentreIndex([centre], WALKER).within(*BEIJING, 15)
    assert m.distance_m == pytest.approx(612.4, abs=1e-6)
    assert m.walk_minutes == pytest.approx(612.4 * 1.25 / 75)  # 10.2 minutes
    assert WALKER.search_radius_m(15) == pytest.approx(900)


def test_speed_and_detour_come_from_the_model():
    centre = centre_at(*BEIJING, 90, 600)
    [m] = CentreIndex([centre], StraightLineWalker(WalkModel(speed_kmh=3.6, detour=1.5))).within(*BEIJING, 15)
    assert m.walk_minutes == pytest.approx(600 * 1.5 / 60)


def test_nearest_reaches_beyond_the_circle_and_far_across_the_country():
    far = centre_at(*BEIJING, 200, 1_200_000, id="far")
    farther = centre_at(*BEIJING, 20, 1_500_000, id="farther")
    index = CentreIndex([farther, far], WALKER)
    assert index.within(*BEIJING, 60) == []
    assert [m.centre.id for m in index.nearest(*BEIJING, limit=5)] == ["far", "farther"]


@pytest.mark.parametrize(("lat", "lon"), [(90.5, 116.0), (-91, 0), (39.9, 180.1), (39.9, -181),
                                          (math.nan, 116.0), (39.9, math.nan), (math.inf, 116.0)])
def test_points_out_of_range_are_refused(lat, lon):
    index = CentreIndex([make_centre()], WALKER)
    with pytest.raises(ValueError, match="point"):
        index.within(lat, lon, 15)
    with pytest.raises(ValueError, match="point"):
        index.nearest(lat, lon)
    with pytest.raises(ValueError, match="point"):
        CentreIndex([], WALKER).within(lat, lon, 15)  # even with nothing to search


@pytest.mark.parametrize("minutes", [0, -5, math.nan, math.inf])
def test_bad_minutes_are_refused(minutes):
    with pytest.raises(ValueError, match="minutes"):
        CentreIndex([make_centre()], WALKER).within(*BEIJING, minutes)


def test_bad_limits_are_refused():
    index = CentreIndex([make_centre()], WALKER)
    with pytest.raises(ValueError, match="limit"):
        index.within(*BEIJING, 15, limit=0)
    with pytest.raises(ValueError, match="limit"):
        index.nearest(*BEIJING, limit=0)


def test_an_empty_registry_answers_nothing():
    index = CentreIndex([], WALKER)
    assert index.within(*BEIJING, 15) == []
    assert index.nearest(*BEIJING) == []


def test_a_large_candidate_set_takes_the_vectorised_path_with_the_same_answer():
    centres = ring_of_centres(*BEIJING, [10.0 * n for n in range(1, 101)])
    got = CentreIndex(centres, WALKER).within(*BEIJING, 15, Filters(age_months=20))
    check_answer(got, BEIJING, centres, Filters(age_months=20), 15, None)
    assert len(got) == 90  # 10 m … 900 m

