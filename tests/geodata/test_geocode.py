"""Geocoders: the offline gazetteer, the optional online one (with a fake in place of Nominatim), the chain."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import pytest
from geopy.exc import GeocoderTimedOut, GeocoderUnavailable

from geodata.geocode import ChainGeocoder, GazetteerGeocoder, GeocodeResult, GeopyGeocoder


@dataclass
class FakeLocation:
    address: str
    latitude: float
    longitude: float
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeGeopy:
    """Stands in for geopy.geocoders.Nominatim: records each query, answers from a table or raises."""

    answers: dict[str, list[FakeLocation]] = field(default_factory=dict)
    errors: list[Exception] = field(default_factory=list)
    queries: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def geocode(self, query: str, **options: Any) -> list[FakeLocation] | None:
        self.queries.append((query, options))
        if self.errors:
            raise self.errors.pop(0)
        return self.answers.get(query)


class FakeClock:
    """Replaces the RateLimiter's clock and sleep, so that waiting takes no time and is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr("geopy.extra.rate_limiter.default_timer", fake.time)
    monkeypatch.setattr("geopy.extra.rate_limiter.sleep", fake.sleep)
    return fake


HOSPITAL = FakeLocation("伊金霍洛旗人民医院, 阿勒腾席热镇, 伊金霍洛旗, 鄂尔多斯市, 内蒙古自治区, 中国",
                        39.585, 109.745, {"class": "amenity", "type": "hospital"})
TOWN = FakeLocation("锡尼镇, 杭锦旗, 鄂尔多斯市, 内蒙古自治区, 中国", 39.82, 108.72, {"class": "boundary"})
LONDON = FakeLocation("London, United Kingdom", 51.5, -0.12)


def test_gazetteer_geocoder_finds_places_offline():
    results = GazetteerGeocoder().geocode("阿镇天骄社区")
    best = results[0]
    assert (best.name, best.source, best.county_code, best.approximate) == ("天骄社区", "gazetteer", "150627", False)
    assert best.lat == pytest.approx(39.596, abs=0.01) and best.lon == pytest.approx(109.758, abs=0.01)


def test_gazetteer_geocoder_marks_areas_as_approximate():
    best = GazetteerGeocoder().geocode("锡尼镇")[0]
    assert (best.name, best.approximate) == ("锡尼镇", True)


def test_gazetteer_geocoder_finds_nothing_for_gibberish():
    assert GazetteerGeocoder().geocode("qwerty") == []


def test_geopy_geocoder_converts_results(clock):
    fake = FakeGeopy(answers={"伊金霍洛旗人民医院": [HOSPITAL], "锡尼镇": [TOWN]})
    geocoder = GeopyGeocoder(geocoder=fake, limit=3)
    assert geocoder.geocode("  伊金霍洛旗人民医院 ") == [
        GeocodeResult(HOSPITAL.address, 39.585, 109.745, "nominatim", approximate=False)
    ]
    assert geocoder.geocode("锡尼镇")[0].approximate is True  # a boundary is an area
    query, options = fake.queries[0]
    assert query == "伊金霍洛旗人民医院"
    assert options == {"exactly_one": False, "limit": 3, "language": "zh", "country_codes": "cn"}


def test_geopy_geocoder_drops_points_outside_china(clock):
    fake = FakeGeopy(answers={"London": [LONDON, HOSPITAL]})
    assert [r.lat for r in GeopyGeocoder(geocoder=fake).geocode("London")] == [39.585]


def test_geopy_geocoder_caches_answers_including_nothing_found(clock):
    fake = FakeGeopy(answers={"伊金霍洛旗人民医院": [HOSPITAL]})
    geocoder = GeopyGeocoder(geocoder=fake)
    first = geocoder.geocode("伊金霍洛旗人民医院")
    assert geocoder.geocode("伊金霍洛旗人民医院") == first
    assert geocoder.geocode("nowhere") == []
    assert geocoder.geocode("nowhere") == []
    assert [q for q, _ in fake.queries] == ["伊金霍洛旗人民医院", "nowhere"]


def test_geopy_geocoder_cache_forgets_the_least_recently_used(clock):
    fake = FakeGeopy()
    geocoder = GeopyGeocoder(geocoder=fake, cache_size=2)
    for text in ("a", "b", "a", "c", "a", "b"):
        geocoder.geocode(text)
    # "a" stays fresh; "b" is pushed out by "c" and asked again
    assert [q for q, _ in fake.queries] == ["a", "b", "c", "b"]


def test_geopy_geocoder_waits_between_requests(clock):
    fake = FakeGeopy()
    geocoder = GeopyGeocoder(geocoder=fake, min_delay_seconds=1.0)
    geocoder.geocode("one")
    clock.now += 0.25
    geocoder.geocode("two")
    geocoder.geocode("two")  # cached: no request, no wait
    geocoder.geocode("three")
    assert [q for q, _ in fake.queries] == ["one", "two", "three"]
    assert clock.sleeps == [pytest.approx(0.75), pytest.approx(1.0)]


@pytest.mark.parametrize("error", [
    GeocoderTimedOut("Service timed out"), GeocoderUnavailable("Service not available"), ConnectionError("reset"),
])
def test_geopy_geocoder_failures_become_no_result_and_a_warning(clock, caplog, error):
    fake = FakeGeopy(answers={"锡尼镇": [TOWN]}, errors=[error])
    geocoder = GeopyGeocoder(geocoder=fake)
    with caplog.at_level(logging.WARNING, logger="geodata.geocode"):
        assert geocoder.geocode("锡尼镇") == []
    assert "online geocoder failed" in caplog.text and "锡尼镇" not in caplog.text  # never the typed address
    # the failure was not cached: the next call asks again, once
    assert [r.name for r in geocoder.geocode("锡尼镇")] == [TOWN.address]
    assert len(fake.queries) == 2


def test_geopy_geocoder_ignores_blank_text(clock):
    fake = FakeGeopy()
    assert GeopyGeocoder(geocoder=fake).geocode("   ") == []
    assert fake.queries == []


def test_geopy_geocoder_builds_nominatim_for_a_configured_domain():
    geocoder = GeopyGeocoder(domain="nominatim.example.org", user_agent="carecircle-test", timeout=3)
    nominatim = geocoder.service
    assert (nominatim.domain, nominatim.headers["User-Agent"], nominatim.timeout) == (
        "nominatim.example.org", "carecircle-test", 3)


class Fixed:
    def __init__(self, *results: GeocodeResult) -> None:
        self.results = list(results)
        self.calls = 0

    def geocode(self, text: str) -> list[GeocodeResult]:
        self.calls += 1
        return self.results


def test_chain_uses_the_first_geocoder_that_finds_something():
    online_hit = GeocodeResult("某地", 30.0, 110.0, "nominatim", approximate=True)
    online = Fixed(online_hit)
    chain = ChainGeocoder(GazetteerGeocoder(), online)
    assert chain.geocode("阿镇")[0].source == "gazetteer"
    assert online.calls == 0
    assert chain.geocode("某个不在地名库里的地方") == [online_hit]
    assert online.calls == 1


def test_chain_of_nothing_found_is_empty():
    assert ChainGeocoder(Fixed(), Fixed()).geocode("x") == []
