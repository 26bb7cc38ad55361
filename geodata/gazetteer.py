"""The bundled gazetteer: China's county-level divisions, and the sample areas' towns, 社区, 小区,
landmarks and streets. It turns what a parent types into a place, and a point into a county.

    gaz = default_gazetteer()
    gaz.lookup("阿镇")[0].place.name        # '阿勒腾席热镇'
    gaz.county_at(39.60, 109.76).code      # '150627'

Every point here is WGS-84. Places are approximate (see data/SOURCES.md).
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz, process
from scipy.spatial import cKDTree

from geodata.regions import Province, province_of

DATA = Path(__file__).with_name("data")
COUNTIES_CSV = DATA / "counties.csv"
PLACES_CSV = DATA / "places.csv"
EARTH_RADIUS_KM = 6371.0088

PLACE_KINDS = ("county", "town", "community", "estate", "landmark", "street")
# In a sentence the finest place named wins: a 小区 over its town over its county.
SENTENCE_RANK = {"estate": 0, "landmark": 0, "street": 0, "community": 1, "town": 2, "county": 3}
CITY_SUFFIX = re.compile(r"(市|地区|盟|自治州)$")
KIND_LABELS = {
    "county": ("区县", "county"),
    "town": ("镇/街道", "town"),
    "community": ("社区", "community"),
    "estate": ("小区", "residential estate"),
    "landmark": ("地标", "landmark"),
    "street": ("道路", "street"),
}
# Generic endings people add, drop or swap (天骄小区 for 天骄社区, 锡尼 for 锡尼镇). Longest first.
GENERIC_SUFFIXES = (
    "社区居民委员会", "居民委员会", "社区居委会", "街道办事处", "自治旗", "自治县", "居委会", "办事处",
    "社区", "小区", "街道", "苏木", "嘎查", "镇", "乡", "村", "旗", "县", "区", "市",
)
# Words near a place name; only then is a sentence read for names typed with a homophone (康和园 for 康和苑).
NEAR_A_PLACE = re.compile(r"小区|社区|花园|家园|[苑园]|村|街|附近|旁边|边上|周边|一带|那边")
HAN_NAME = re.compile(r"[\u4e00-\u9fff]{3,}")
# Where a parent names the wider area first ("伊旗阿镇天骄社区"), the place is what comes last.
AREA_PREFIX = re.compile(r"^.{1,12}?(?:省|自治区|市|盟|州|旗|县|区|镇|街道)(?=.{2,})")


@dataclass(frozen=True)
class County:
    code: str
    name: str
    city: str
    province_code: str
    lat: float
    lon: float

    @property
    def province(self) -> Province | None:
        return province_of(self.code)

    @property
    def full_name(self) -> str:
        """"内蒙古自治区鄂尔多斯市伊金霍洛旗", without repeating a municipality's name."""
        province = self.province
        parts = [province.name if province else "", self.city, self.name]
        return "".join(dict.fromkeys(part for part in parts if part))


@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    county_code: str
    lat: float
    lon: float
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class PlaceMatch:
    score: float  # 0–100
    place: Place
    matched: str  # the name or alias that matched
    county: County | None
    province: Province | None


def normalise(text: str) -> str:
    """Full-width to half-width, no spaces or punctuation, lower case."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s\W_]+", "", text)


LATIN = re.compile(r"[A-Za-z]{3}")


def spelling(name: str) -> str:
    """A Chinese name in toneless pinyin, run together: 锡尼 → "xini", 运城 → "yuncheng"."""
    return "".join(lazy_pinyin(name, style=Style.NORMAL, errors="ignore")).lower()


def core(name: str) -> str:
    """A name without its generic ending, but never shorter than two characters: 天骄社区 → 天骄."""
    name = normalise(name)
    for suffix in GENERIC_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


class Gazetteer:
    """County-level divisions and sample places, with fuzzy lookup and nearest-county search."""

    def __init__(self, counties: Iterable[County], places: Iterable[Place]):
        self.counties: dict[str, County] = {c.code: c for c in counties}
        own = list(places)
        described = {p.county_code for p in own if p.kind == "county"}
        # Counties the places file does not describe still answer to their names, at their seat.
        self.places: list[Place] = own + [
            Place(c.name, "county", c.code, c.lat, c.lon) for c in self.counties.values() if c.code not in described
        ]
        # Two search lists: names as written, and their cores (no generic ending), each with its place.
        self._full: list[str] = []
        self._full_owner: list[tuple[int, str]] = []  # (place index, the name as written)
        self._cores: list[str] = []
        self._core_owner: list[tuple[int, str]] = []
        for index, place in enumerate(self.places):
            for name in place.names:
                self._full.append(normalise(name))
                self._full_owner.append((index, name))
                self._cores.append(core(name))
                self._core_owner.append((index, name))
        # Every known point that says which county it lies in: the seats, and the finer sample places.
        points = [(c.lat, c.lon, c.code) for c in self.counties.values()]
        points += [(p.lat, p.lon, p.county_code) for p in own if p.county_code in self.counties]
        self._point_codes = [code for _, _, code in points]
        self._tree = cKDTree(_unit_vectors(np.array([p[0] for p in points]), np.array([p[1] for p in points])))
        # Names long enough to be told apart inside a sentence, longest first; a county's short alias (伊旗) is
        # curated, so it counts, while a two-character official name (城区, 矿区) would match ordinary words.
        city_names = {n for c in self.counties.values() for n in (c.city, CITY_SUFFIX.sub("", c.city))}
        by_name: dict[str, list[Place]] = {}
        for place in self.places:
            for name in place.names:
                if len(name) >= 3 or place.kind != "county" or name in place.aliases:
                    by_name.setdefault(name, []).append(place)
                if place.kind == "county" and len(core(name)) >= 3 and core(name) != name \
                        and core(name) not in city_names:  # 乌鲁木齐 is the city, not 乌鲁木齐县
                    by_name.setdefault(core(name), []).append(place)  # 康巴什 for 康巴什区, 达拉特 for 达拉特旗
        self._sentence_names = sorted(by_name.items(), key=lambda kv: -len(kv[0]))
        # The same names by their first two characters, so that a sentence is read in one pass (longest first).
        self._by_head: dict[str, list[tuple[int, str, list[Place]]]] = {}
        for rank, (name, places) in enumerate(self._sentence_names):
            self._by_head.setdefault(name[:2], []).append((rank, name, places))
        # The described places' names in toneless pinyin, for messages in English ("daycare near Xini"):
        # whole words only, and never a one-syllable core.
        by_spelling: dict[str, list[Place]] = {}
        for place in own:
            for name in place.names:
                spelled = spelling(core(name) or name)
                if len(spelled) >= 4 and len(core(name) or name) >= 2:
                    by_spelling.setdefault(spelled, []).append(place)
        self._spelled_names = [(re.compile(rf"\b{re.escape(k)}\b"), v)
                               for k, v in sorted(by_spelling.items(), key=lambda kv: -len(kv[0]))]
        # The same described places by sound (three characters or more), for a name typed with a homophone.
        self._by_sound: dict[tuple[str, ...], list[tuple[tuple[str, ...], Place]]] = {}
        for place in own:
            for name in place.names:
                if HAN_NAME.fullmatch(name):
                    sound = tuple(lazy_pinyin(name, style=Style.NORMAL))
                    self._by_sound.setdefault(sound[:2], []).append((sound, place))
        self._heard = lru_cache(maxsize=1024)(self._places_by_sound)
        # Cities (成都, 运城市) name a prefecture code: enough for the province, and for city-wide policies.
        self._city_codes: dict[str, str] = {}
        self._city_names: dict[str, str] = {}
        for county in self.counties.values():
            code = county.code[:4] + "00"
            if not county.city.endswith(("直辖县级行政区划", "省", "自治区")):
                for name in {county.city, CITY_SUFFIX.sub("", county.city)}:
                    if len(name) >= 2:
                        self._city_codes.setdefault(name, code)
            self._city_names.setdefault(code, county.city)
        self._cities_longest_first = sorted(self._city_codes.items(), key=lambda kv: -len(kv[0]))
        described = {p.county_code[:4] for p in own}
        self._spelled_cities = [(re.compile(rf"\b{spelling(name)}\b"), code)
                                for name, code in self._cities_longest_first
                                if code[:4] in described and len(name) >= 2 and not name.endswith(("市", "州", "盟"))]

    @classmethod
    def from_csv(cls, counties_csv: Path = COUNTIES_CSV, places_csv: Path = PLACES_CSV) -> Gazetteer:
        counties = [
            County(r["code"], r["name"], r["city"], r["province_code"], float(r["lat"]), float(r["lon"]))
            for r in _read_csv(counties_csv)
        ]
        places = [
            Place(
                name=r["name"], kind=r["kind"], county_code=r["county_code"], lat=float(r["lat"]),
                lon=float(r["lon"]), aliases=tuple(a.strip() for a in r["aliases"].split(";") if a.strip()),
            )
            for r in _read_csv(places_csv)
        ]
        return cls(counties, places)

    def county(self, code: str) -> County | None:
        return self.counties.get(code.strip())

    def county_name(self, code: str) -> str:
        """"伊金霍洛旗" for 150627: the county's own name, short enough for a choice (the region's name otherwise)."""
        county = self.county(code)
        return county.name if county else self.region_name(code)

    def lookup(self, text: str, limit: int = 5, min_score: float = 70) -> list[PlaceMatch]:
        """Places whose name or a short form is close to `text`, best first.

        Copes with a dropped or swapped ending (天骄小区 finds 天骄社区, 锡尼 finds 锡尼镇), short forms
        (阿镇, 伊旗), a mistyped character (阿勒藤席热镇), and a wider area written first (伊旗天骄社区).
        """
        query = normalise(text)
        if not query:
            return []
        # place → [score, score of the whole text against a full name (breaks ties), the name matched]
        best: dict[int, list] = {}

        def consider(found: list[tuple[str, float, int]], owners: list[tuple[int, str]], weight: float) -> None:
            for _, score, row in found:
                index, written = owners[row]
                entry = best.setdefault(index, [0.0, 0.0, written])
                if score * weight > entry[0]:
                    entry[0], entry[2] = score * weight, written

        # The whole text against full names; WRatio also finds a name inside a longer sentence.
        whole = process.extract(query, self._full, scorer=fuzz.WRatio, limit=None, score_cutoff=min_score * 0.9)
        consider(whole, self._full_owner, 1.0)
        for _, score, row in whole:
            entry = best[self._full_owner[row][0]]
            entry[1] = max(entry[1], score)
        # Cores against cores, plain ratio: an ending dropped or swapped, or a wider area written first.
        for variant in dict.fromkeys((core(query), *self._tail_variants(query))):
            found = process.extract(variant, self._cores, scorer=fuzz.ratio, limit=None, score_cutoff=min_score)
            consider(found, self._core_owner, 0.98)  # a little less sure than the text as typed

        ranked = sorted(
            ((entry[0], entry[1], index, entry[2]) for index, entry in best.items() if entry[0] >= min_score),
            key=lambda item: (-item[0], -item[1], PLACE_KINDS.index(self.places[item[2]].kind)),
        )
        matches = []
        for score, _, index, written in ranked[:limit]:
            place = self.places[index]
            county = self.counties.get(place.county_code)
            matches.append(PlaceMatch(round(score, 1), place, written, county, province_of(place.county_code)))
        return matches

    def places_in(self, text: str) -> list[Place]:
        """The places a sentence names, the finest first; more than one means the name is ambiguous.

        Every surface (chat, web finder, WeChat) resolves a place this way. A name inside a longer name that
        is also matched does not count: "运城盐湖区" is the district, not the 运城盐湖 landmark. A county or town
        the sentence also names narrows the choice (团结社区 in 杭锦旗 or 阿镇, not the other one), and so does a
        city (广元的市中心医院).
        """
        found = sorted((rank, start, name, places) for start in range(len(text) - 1)
                       for rank, name, places in self._by_head.get(text[start:start + 2], ())
                       if text.startswith(name, start))
        spans: list[tuple[int, int, Place]] = [(start, start + len(name), place)
                                               for _, start, name, places in found for place in places]
        if not spans and NEAR_A_PLACE.search(text):
            spans = list(self._heard(text))
        if not spans and LATIN.search(text):
            lower = text.lower()
            for pattern, places in self._spelled_names:
                spans.extend((m.start(), m.end(), place) for m in pattern.finditer(lower) for place in places)
        if not spans:
            return []
        inside_longer = {(a, b) for a, b, _ in spans for c, d, _ in spans if c <= a and b <= d and d - c > b - a}
        candidates = [place for a, b, place in spans if (a, b) not in inside_longer]
        counties = {p.county_code for p in candidates if p.kind in ("county", "town")}
        finest = min(SENTENCE_RANK.get(p.kind, 1) for p in candidates)
        chosen = [p for p in candidates if SENTENCE_RANK.get(p.kind, 1) == finest]
        cities = {code[:4] for name, code in self._cities_longest_first if name in text}
        cities |= {code[:4] for pattern, code in self._spelled_cities if pattern.search(text.lower())}
        chosen = ([p for p in chosen if p.county_code in counties]
                  or [p for p in chosen if p.county_code[:4] in cities] or chosen)
        return list({(p.name, p.county_code): p for p in chosen}.values())

    def _places_by_sound(self, text: str) -> tuple[tuple[int, int, Place], ...]:
        """Spans that sound like a described place's name: 康和园小区 is 康和苑小区 typed with a homophone."""
        sounds = lazy_pinyin(list(text), style=Style.NORMAL)
        if len(sounds) != len(text):
            return ()
        return tuple((start, start + len(sound), place) for start in range(len(text) - 2)
                     for sound, place in self._by_sound.get(tuple(sounds[start:start + 2]), ())
                     if tuple(sounds[start:start + len(sound)]) == sound)

    def division_in(self, text: str) -> str | None:
        """The most specific division a sentence names: a place's county code, else a city's code."""
        counties = {p.county_code for p in self.places_in(text)}
        if len(counties) == 1:
            return counties.pop()
        return next((code for name, code in self._cities_longest_first if name in text), None) \
            or next((code for pattern, code in self._spelled_cities if pattern.search(text.lower())), None)

    def region_name(self, code: str) -> str:
        """"内蒙古自治区鄂尔多斯市伊金霍洛旗" for a county, the province and city for a city code."""
        county = self.county(code)
        if county:
            return county.full_name
        province = province_of(code)
        city = self._city_names.get(code) if not code.endswith("0000") else None
        return (province.name if province else "") + (city or "") or code

    def county_at(self, lat: float, lon: float, max_km: float = 150.0) -> County | None:
        """The county whose seat, or one of whose sample places, is nearest to the point.

        This is an approximation, not a boundary test: near a county line it can name the neighbour, and in
        vast western counties the nearest seat may be another county's. Show it to the parent as a guess
        ("您是在伊金霍洛旗吗？") and let them confirm or correct it. None when nothing known lies within
        `max_km` (the point is probably outside mainland China).
        """
        found = self._nearest(lat, lon, max_km)
        return self.counties[found] if found else None

    def province_for_point(self, lat: float, lon: float, max_km: float = 300.0) -> str | None:
        """The province-level code (e.g. '150000') of the nearest county; approximate, like county_at."""
        found = self._nearest(lat, lon, max_km)
        return found[:2] + "0000" if found else None

    def _nearest(self, lat: float, lon: float, max_km: float) -> str | None:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not self._point_codes:
            return None
        chord = 2 * math.sin(min(max_km / EARTH_RADIUS_KM, math.pi) / 2)
        distance, row = self._tree.query(_unit_vectors(np.array([lat]), np.array([lon]))[0], k=1)
        return self._point_codes[int(row)] if distance <= chord else None

    @staticmethod
    def _tail_variants(query: str) -> Iterator[str]:
        """"伊旗阿镇天骄社区" → cores of "阿镇天骄社区" and "天骄社区": what follows each leading area name."""
        rest = query
        while (cut := AREA_PREFIX.match(rest)) is not None:
            rest = rest[cut.end():]
            yield core(rest)


@cache
def default_gazetteer() -> Gazetteer:
    """The bundled gazetteer, read once per process."""
    return Gazetteer.from_csv()


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    lat_r, lon_r = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(lat_r) * np.cos(lon_r), np.cos(lat_r) * np.sin(lon_r), np.sin(lat_r)))
