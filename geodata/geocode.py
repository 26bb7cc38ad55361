"""Geocoding: what a parent types (a town, 社区, 小区, landmark or street) → points in WGS-84.

    geocoder = ChainGeocoder(GazetteerGeocoder(), GeopyGeocoder(domain="nominatim.example.org"))
    geocoder.geocode("阿镇天骄社区")   # [GeocodeResult(name='天骄社区', lat=…, lon=…, source='gazetteer', …)]

The bundled gazetteer works offline and is the default. The online geocoder is optional: it is called
at most once a second, answers are cached, and a failure is logged and returns no result, never an
exception, so the conversation just asks the parent for a location instead.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from typing import Any, Protocol

from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from geodata.centre import CHINA_LAT, CHINA_LON
from geodata.gazetteer import Gazetteer, Place, default_gazetteer

log = logging.getLogger(__name__)

# Kinds that are areas rather than spots: their point is only the middle (or the seat) of the area.
AREA_KINDS = {"county", "town", "street"}


@dataclass(frozen=True)
class GeocodeResult:
    name: str
    lat: float  # WGS-84
    lon: float
    source: str  # "gazetteer" or the online service's name
    approximate: bool  # the point stands for an area, or is a rough position: confirm with the parent
    county_code: str | None = None
    score: float | None = None  # 0–100 for gazetteer matches


class Geocoder(Protocol):
    def geocode(self, text: str) -> list[GeocodeResult]: ...


class GazetteerGeocoder:
    """Offline: fuzzy matches in the bundled gazetteer, best first."""

    def __init__(self, gazetteer: Gazetteer | None = None, limit: int = 5, min_score: float = 75):
        self.gazetteer = gazetteer or default_gazetteer()
        self.limit = limit
        self.min_score = min_score

    def geocode(self, text: str) -> list[GeocodeResult]:
        """The places the text names outright first (`Gazetteer.places_in`, as the chat reads a sentence: "运城盐湖区"
        is the district, not the landmark inside its name), then fuzzy matches for typos and short forms."""
        named = self.gazetteer.places_in(text)
        shown = {(p.name, p.county_code) for p in named}
        fuzzy = [m for m in self.gazetteer.lookup(text, limit=self.limit, min_score=self.min_score)
                 if (m.place.name, m.place.county_code) not in shown]
        return ([_result(p, 100.0) for p in named] + [_result(m.place, m.score) for m in fuzzy])[:self.limit]


def _result(place: Place, score: float) -> GeocodeResult:
    return GeocodeResult(name=place.name, lat=place.lat, lon=place.lon, source="gazetteer",
                         approximate=place.kind in AREA_KINDS, county_code=place.county_code, score=score)


class GeopyGeocoder:
    """Online, through geopy's Nominatim on a configured server (its points are WGS-84).

    `geocoder` may be any geopy geocoder, or a fake with the same `geocode(query, **options)`; the tests
    inject one. Lookups go through geopy's RateLimiter (one request per `min_delay_seconds`), and the last
    `cache_size` answers, including "nothing found", are kept in memory. Failures are not cached.
    """

    def __init__(
        self,
        domain: str = "nominatim.openstreetmap.org",
        user_agent: str = "carecircle",
        *,
        geocoder: Any = None,
        source: str = "nominatim",
        min_delay_seconds: float = 1.0,
        timeout: float = 5.0,
        cache_size: int = 256,
        limit: int = 5,
        language: str = "zh",
        country_codes: str = "cn",
    ):
        self.source = source
        self.service = geocoder or Nominatim(domain=domain, user_agent=user_agent, timeout=timeout)
        # No retries and no swallowing: a failure reaches geocode() below, which logs it and caches nothing.
        self._call = RateLimiter(
            self.service.geocode, min_delay_seconds=min_delay_seconds, max_retries=0, swallow_exceptions=False,
        )
        self._options = {"exactly_one": False, "limit": limit, "language": language, "country_codes": country_codes}
        self._cache: OrderedDict[str, list[GeocodeResult]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = Lock()

    def geocode(self, text: str) -> list[GeocodeResult]:
        query = " ".join(text.split())
        if not query:
            return []
        with self._lock:
            if query in self._cache:
                self._cache.move_to_end(query)
                return self._cache[query]
        try:
            locations = self._call(query, **self._options) or []
        except Exception as error:  # timeouts, unavailable servers, bad answers: never the parent's problem
            log.warning("online geocoder failed: %s", type(error).__name__)  # never the address typed
            return []
        results = [r for r in map(self._result, locations) if _in_china(r.lat, r.lon)]
        with self._lock:
            self._cache[query] = results
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return results

    def _result(self, location: Any) -> GeocodeResult:
        raw = getattr(location, "raw", None) or {}
        return GeocodeResult(
            name=str(location.address), lat=float(location.latitude), lon=float(location.longitude),
            source=self.source, approximate=raw.get("class") in (None, "boundary", "place", "highway"),
        )


class ChainGeocoder:
    """Each geocoder in turn (the gazetteer first); the first that finds something answers."""

    def __init__(self, *geocoders: Geocoder):
        self.geocoders = geocoders

    def geocode(self, text: str) -> list[GeocodeResult]:
        for geocoder in self.geocoders:
            results = geocoder.geocode(text)
            if results:
                return results
        return []


def _in_china(lat: float, lon: float) -> bool:
    return CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LON[0] <= lon <= CHINA_LON[1]
