"""Coverage against an independent geodesic reference on a synthetic county.

The reference is written afresh from the README's definitions: geopy's geodesic (Karney, via geographiclib) between
every pair, plain loops, no spatial index. Counts must agree exactly, ratios within 0.0005, gaps in the same order,
and every suggestion's added population is recomputed.
"""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest
from geopy.distance import geodesic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodata.centre import Centre, Kind, Status
from geodata.coverage import Coverage, compute_coverage
from geodata.divisions import Division, Level
from geodata.index import CentreIndex, PointTree, StraightLineWalker, reach
from geodata.population import Area
from geodata.targets import Compare, DocumentSpec, Measure, RegionTargets, Target, Text
from geodata.walk import WalkModel
from tests.geodata.factories import make_centre, point_at

MODEL = WalkModel()
WALKER = StraightLineWalker(MODEL)
LIMIT_M = 900.0  # 15 minutes at 4.5 km/h with detour 1.25
COUNTY = Division("150627", "伊金霍洛旗", Level.county, "内蒙古自治区鄂尔多斯市伊金霍洛旗")
NEIGHBOUR = "150602"  # 东胜区: centres and areas across the border
ORIGIN = (39.60, 109.76)
TOWNS = ("阿勒腾席热镇", "札萨克镇", "乌兰木伦镇")


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(geodesic(a, b).meters)


def synthetic_county(seed: int = 11) -> tuple[list[Area], list[Centre]]:
    """120 areas and 36 centres within ~4 km; some exactly on the circle's edge, some across the border."""
    rng = random.Random(seed)
    centres: list[Centre] = []
    for i in range(36):
        lat, lon = point_at(*ORIGIN, rng.uniform(0, 360), rng.uniform(0, 3500))
        roll = rng.random()
        status = Status.active if roll < 0.8 else Status.suspended if roll < 0.9 else Status.closed
        centres.append(make_centre(
            id=f"C{i:03d}", lat=lat, lon=lon, status=status, inclusive=rng.random() < 0.45,
            capacity=rng.choice([0, None, 12, 30, 55, 80, 120]), kind=rng.choice(list(Kind)),
            district_code=NEIGHBOUR if i % 9 == 0 else COUNTY.code))
    areas: list[Area] = []
    for i in range(120):
        if i < 12:  # on the edge of an active centre's circle: a hair inside or outside
            anchor = centres[i * 2]
            lat, lon = point_at(anchor.lat, anchor.lon, rng.uniform(0, 360), rng.choice([899.99, 900.01, 899.5]))
        else:
            lat, lon = point_at(*ORIGIN, rng.uniform(0, 360), rng.uniform(0, 4200))
        people = rng.randint(300, 9000)
        areas.append(Area(
            id=f"A{i:03d}", name=f"社区{i}", lat=lat, lon=lon, population=people,
            district_code=NEIGHBOUR if i % 10 == 0 else COUNTY.code, town=TOWNS[i % 3] if i % 7 else None,
            urban=rng.random() < 0.7 if i % 5 else None, under3=round(people * rng.uniform(0.015, 0.035)),
            new_area=rng.random() < 0.3))
    return areas, centres


def target(measure: Measure, figure: float, compare: Compare = Compare.at_least) -> Target:
    doc = DocumentSpec(number="测试〔2024〕1号", title="测试文件", issuer="测试", issued="2024-01-01")  # type: ignore[arg-type]
    return Target(COUNTY.code, COUNTY.name, measure, Text(zh=measure.value, en=measure.value), figure,
                  Text(zh="单位", en="unit"), False, compare, None, doc, "一", "原文", None)


def run(areas: list[Area], centres: list[Centre], *targets: Target, sites: int = 8) -> Coverage:
    book = [RegionTargets(COUNTY.code, COUNTY.name, 15, None, tuple(targets), ())]
    return compute_coverage(COUNTY, areas, centres, WALKER, 15, targets=book, sites=sites)


@pytest.fixture(scope="module")
def county() -> tuple[list[Area], list[Centre]]:
    return synthetic_county()


@pytest.fixture(scope="module")
def reference(county: tuple[list[Area], list[Centre]]) -> dict[str, object]:
    areas, centres = county
    inside = [a for a in areas if a.district_code == COUNTY.code]
    providers = [c for c in centres if c.status == Status.active and (c.capacity or 0) > 0]
    within = {a.id: [c for c in providers if metres((a.lat, a.lon), (c.lat, c.lon)) <= LIMIT_M] for a in areas}
    covered = {a.id for a in inside if within[a.id]}
    own = [c for c in centres if c.status == Status.active and c.district_code == COUNTY.code]
    places = sum(c.capacity or 0 for c in own)
    inclusive_places = sum(c.capacity or 0 for c in own if c.inclusive)
    population = sum(a.population for a in inside)
    urban = [a for a in inside if a.urban]
    # 2SFCA, written out: each centre's places over the people (children under three) within its walk.
    basis = "under3"
    demand = {c.id: sum(a.under3 or 0 for a in areas if c in within[a.id]) for c in providers}
    people = {c.id: sum(a.population for a in areas if c in within[a.id]) for c in providers}
    score = {a.id: 1000 * sum(c.capacity / demand[c.id] for c in within[a.id]) for a in inside}
    shared = {a.id: a.population * sum(c.capacity / people[c.id] for c in within[a.id]) for a in inside}
    new = [a for a in inside if a.new_area]
    old = [a for a in inside if not a.new_area]
    gaps = sorted((a for a in inside if a.id not in covered), key=lambda a: (-a.population, a.id))
    nearest = {a.id: min(metres((a.lat, a.lon), (c.lat, c.lon)) for c in providers) for a in gaps}
    return {
        "areas": len(inside), "population": population, "places": places, "inclusive_places": inclusive_places,
        "covered_areas": len(covered), "covered_population": sum(a.population for a in inside if a.id in covered),
        "urban_areas": len(urban), "urban_covered_areas": sum(a.id in covered for a in urban),
        "inclusive_covered_areas": sum(any(c.inclusive for c in within[a.id]) for a in inside),
        "coverage": sum(a.population for a in inside if a.id in covered) / population,
        "urban_coverage": sum(a.id in covered for a in urban) / len(urban),
        "places_per_1000": places * 1000 / population, "inclusive_share": inclusive_places / places,
        "gaps": [a.id for a in gaps], "nearest": nearest, "basis": basis, "score": score,
        "places_per_1000_new": 1000 * sum(shared[a.id] for a in new) / sum(a.population for a in new),
        "places_per_1000_old": 1000 * sum(shared[a.id] for a in old) / sum(a.population for a in old),
        "within": within,
    }


def test_counts_agree_exactly_and_ratios_within_half_a_thousandth(county, reference) -> None:  # type: ignore[no-untyped-def]
    result = run(*county).as_json(gaps=None)
    for key in ("areas", "population", "places", "inclusive_places", "covered_areas", "covered_population",
                "urban_areas", "urban_covered_areas", "inclusive_covered_areas"):
        assert result[key] == reference[key], key
    for key in ("coverage", "urban_coverage", "places_per_1000", "inclusive_share", "places_per_1000_new",
                "places_per_1000_old"):
        assert result[key] == pytest.approx(reference[key], abs=0.0005), key
    assert 0 < reference["covered_areas"] < reference["areas"]  # type: ignore[operator]  # both kinds present
    assert result["region"] == {"code": "150627", "name": "伊金霍洛旗"} and result["minutes"] == 15


def test_the_edge_cases_fall_on_the_right_side(county, reference) -> None:  # type: ignore[no-untyped-def]
    areas, centres = county
    result = run(areas, centres)
    covered = {a.id for a, c in zip(result.areas, result.covered.tolist(), strict=True) if c}
    within = reference["within"]
    assert isinstance(within, dict)
    edge = [a for a in areas[:12] if a.district_code == COUNTY.code]
    assert {a.id for a in edge if within[a.id]} == {a.id for a in edge if a.id in covered}


def test_gaps_come_most_populous_first_with_the_nearest_centre(county, reference) -> None:  # type: ignore[no-untyped-def]
    gaps = run(*county).as_json(gaps=None)["gaps"]
    assert [g["id"] for g in gaps] == reference["gaps"]
    nearest = reference["nearest"]
    assert isinstance(nearest, dict)
    for gap in gaps:
        assert gap["nearest_m"] == pytest.approx(nearest[gap["id"]], abs=0.06)
        assert gap["nearest_m"] > LIMIT_M


def test_two_step_floating_catchment_matches_the_reference(county, reference) -> None:  # type: ignore[no-untyped-def]
    result = run(*county)
    score = reference["score"]
    assert isinstance(score, dict)
    assert result.accessibility_basis == reference["basis"]
    for area, value in zip(result.areas, result.accessibility.tolist(), strict=True):
        assert value == pytest.approx(score[area.id], rel=1e-9, abs=1e-9), area.id
    # A centre's places are all handed out to the areas within its walk: nothing made, nothing lost.
    assert result.figures.places_per_1000_new is not None


def test_each_suggestion_adds_what_a_recount_finds_and_is_the_best_pick(county) -> None:  # type: ignore[no-untyped-def]
    areas, centres = county
    result = run(areas, centres, sites=6)
    inside = [a for a in areas if a.district_code == COUNTY.code]
    providers = [c for c in centres if c.status == Status.active and (c.capacity or 0) > 0]
    covered = {a.id for a in inside if any(metres((a.lat, a.lon), (c.lat, c.lon)) <= LIMIT_M for c in providers)}
    assert result.suggestions and result.suggestion_basis == "under3"
    for site in result.suggestions:
        reached = {a.id for a in inside if metres((a.lat, a.lon), (site.lat, site.lon)) <= LIMIT_M}
        new = [a for a in inside if a.id in reached - covered]
        assert site.adds_population == sum(a.population for a in new)
        assert site.adds_under3 == sum(a.under3 or 0 for a in new)
        assert site.adds_areas == len(new) and set(site.area_ids) == {a.id for a in new}
        # greedy: no candidate site (any area of the region) would have added more children under three
        best = max(sum(a.under3 or 0 for a in inside if a.id not in covered
                       and metres((a.lat, a.lon), (s.lat, s.lon)) <= LIMIT_M) for s in inside)
        assert site.adds_under3 == best
        covered |= reached
        assert site.coverage_after == pytest.approx(
            sum(a.population for a in inside if a.id in covered) / sum(a.population for a in inside))


def test_suggestions_stop_when_the_coverage_target_is_met(county) -> None:  # type: ignore[no-untyped-def]
    areas, centres = county
    first = run(areas, centres, sites=20)
    assert len(first.suggestions) >= 2
    goal = first.suggestions[1].coverage_after
    assert goal is not None
    stopped = run(areas, centres, target(Measure.coverage, round(goal, 4) - 0.0001), sites=20)
    assert len(stopped.suggestions) == 2 and stopped.suggestions_stop == "target_met"
    met = run(areas, centres, target(Measure.coverage, 0.01), sites=20)
    assert met.suggestions == [] and met.suggestions_stop == "target_met"


def test_without_under3_everywhere_suggestions_weigh_people(county) -> None:  # type: ignore[no-untyped-def]
    areas, centres = county
    areas = [replace(a, under3=None) if i == 5 else a for i, a in enumerate(areas)]
    result = run(areas, centres, sites=3)
    assert result.suggestion_basis == "population" and result.accessibility_basis == "population"
    assert [s.adds_under3 for s in result.suggestions] == [None] * len(result.suggestions)


def test_targets_are_met_or_missed_with_their_source(county, reference) -> None:  # type: ignore[no-untyped-def]
    areas, centres = county
    ratio = reference["places_per_1000"]
    assert isinstance(ratio, float)
    result = run(areas, centres, target(Measure.places_per_1000, round(ratio, 4)),
                 target(Measure.places_per_1000, ratio + 0.01), target(Measure.towns_without_inclusive, 0,
                                                                       Compare.at_most)).as_json()
    met = [t["met"] for t in result["targets"]]
    assert met[:2] == [True, False]
    assert result["targets"][0]["source"] == "测试〔2024〕1号《测试文件》一"
    assert result["targets"][2]["value"] == len(result["towns_without_inclusive"])


def test_no_population_gives_empty_figures_not_errors() -> None:
    result = run([], [make_centre(district_code=COUNTY.code)]).as_json()
    assert (result["population"], result["areas"], result["coverage"], result["places_per_1000"]) == (0, 0, None, None)
    assert result["gaps"] == [] and result["suggestions"] == []


# --- the batch search itself, against the reference, anywhere in China -------------------------------------


@st.composite
def scattered(draw: st.DrawFn) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    origin = (draw(st.floats(18.5, 53.0)), draw(st.floats(74.0, 134.0)))
    targets = [point_at(*origin, draw(st.floats(0, 360)), draw(st.floats(0, 2500))) for _ in range(draw(
        st.integers(0, 10)))]
    points = []
    for _ in range(draw(st.integers(0, 10))):
        if targets and draw(st.booleans()):
            anchor = draw(st.sampled_from(targets))
            points.append(point_at(*anchor, draw(st.floats(0, 360)), draw(st.sampled_from(
                [899.999, 900.0, 900.001, 895.0, 905.0]))))
        else:
            points.append(point_at(*origin, draw(st.floats(0, 360)), draw(st.floats(0, 2500))))
    return points, targets


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scattered())
def test_reach_finds_exactly_the_pairs_within_the_walk(case) -> None:  # type: ignore[no-untyped-def]
    points, targets = case
    tree = PointTree.of([t[0] for t in targets], [t[1] for t in targets])
    found = reach(np.array([p[0] for p in points]), np.array([p[1] for p in points]), tree, WALKER, 15)
    got = set(zip(found.origin.tolist(), found.target.tolist(), strict=True))
    want = {(i, j) for i, p in enumerate(points) for j, t in enumerate(targets)
            if metres(p, t) <= LIMIT_M * (1 + 1e-9)}
    # geopy and pyproj agree to nanometres; a pair within 1 µm of the edge may fall either side
    unsure = {(i, j) for i, p in enumerate(points) for j, t in enumerate(targets) if abs(metres(p, t) - LIMIT_M) < 1e-6}
    assert got - unsure == want - unsure


# --- with a street network: the same walks as `nearest` ---------------------------------------------------------


def test_with_streets_an_area_is_covered_exactly_when_nearest_finds_a_centre_within_the_walk() -> None:
    from tests.geodata.test_streets import grid, junction, walker

    streets = walker(grid(river=True))  # a river between rows 2 and 3, bridged only at column 0
    centres = [make_centre(id="S1", lat=junction(4, 2)[0], lon=junction(4, 2)[1], district_code=COUNTY.code,
                           capacity=30),
               make_centre(id="S2", lat=junction(1, 0)[0], lon=junction(1, 0)[1], district_code=COUNTY.code,
                           capacity=0)]  # no places: never covers
    spots = [(i + 0.5 * (j % 2), j) for i in range(5) for j in range(5)] + [(4, 3), (4, 3.5), (2.5, 1)]
    areas = [Area(f"S{n:02d}", f"街区{n}", *junction(*spot), 1000 + n, COUNTY.code, "阿勒腾席热镇", True, 20)
             for n, spot in enumerate(spots)]
    minutes = 6.0  # 450 m along streets
    result = compute_coverage(COUNTY, areas, centres, streets, minutes, sites=3)
    index = CentreIndex([c for c in centres if (c.capacity or 0) > 0], streets)
    expected = [bool(index.within(a.lat, a.lon, minutes)) for a in result.areas]
    assert result.covered.tolist() == expected
    across = result.areas[[a.id for a in result.areas].index("S25")]  # (4, 3): 100 m away, across the river
    assert metres((across.lat, across.lon), (centres[0].lat, centres[0].lon)) < 120
    assert not result.covered[[a.id for a in result.areas].index("S25")]
    for site in result.suggestions:  # each site reaches what a walk along the streets reaches
        for area_id in site.area_ids:
            area = result.areas[[a.id for a in result.areas].index(area_id)]
            walked, _ = streets.walk_to(area.lat, area.lon, site.lat, site.lon)
            assert walked <= minutes * (1 + 1e-9)
    assert "街道" in result.walk
