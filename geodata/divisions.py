"""Administrative regions that set childcare targets: counties, prefecture-level cities and provinces.

    divisions = Divisions.from_gazetteer(default_gazetteer())
    divisions.resolve("运城")           # Division("140800", "运城市", Level.city)
    divisions.resolve("150627").name   # '伊金霍洛旗'
    divisions.resolve("伊旗").contains("150627")  # True

A region is found by its 6-digit code or its name (full, short, or with its city or province first). A county name
that several counties share (朝阳区) is refused with the candidates and their codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from geodata.gazetteer import County, Gazetteer
from geodata.regions import BY_CODE, find_province

# Endings people drop from a city's name: 运城 for 运城市, 鄂尔多斯 for 鄂尔多斯市.
CITY_ENDINGS = ("市", "地区", "盟", "自治州")
# The cities column holds this for county-level cities run directly by the province: they have no prefecture.
NO_PREFECTURE = "省直辖县级行政区划"


class Level(StrEnum):
    county = "county"
    city = "city"
    province = "province"


LEVEL_LABELS = {Level.county: ("区县", "county"), Level.city: ("地级市", "prefecture-level city"),
                Level.province: ("省级", "province")}


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: Level
    full_name: str

    def contains(self, district_code: str | None) -> bool:
        """Whether a county code lies in this region."""
        return bool(district_code) and len(district_code or "") == 6 and (district_code or "").startswith(self.prefix)

    @property
    def prefix(self) -> str:
        """The leading digits every county code in the region shares: 15 (a province), 1408 (a city), 150627."""
        return region_prefix(self.code)

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def city_code(self) -> str | None:
        return None if self.level is Level.province else self.code[:4] + "00"


def region_prefix(code: str) -> str:
    """The leading digits of every county code in a region's code (GB/T 2260): 150000 → 15, 140800 → 1408;
    a county's own code (its last two digits are never 00) is its own prefix."""
    return code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code


class UnknownDivision(ValueError):
    """A region that cannot be read: the message names it and offers close matches (with codes)."""

    def __init__(self, text: str, candidates: list[Division], ambiguous: bool = False):
        self.text = text
        self.candidates = candidates
        listed = "、".join(f"{d.full_name}（{d.code}）" for d in candidates)
        if ambiguous:
            message = (f"“{text}”有多个同名地区：{listed}，请用6位代码 / '{text}' names several regions: {listed}; "
                       f"please give the 6-digit code")
        else:
            message = f"未知地区“{text}” / unknown region '{text}'"
            if listed:
                message += f"。您是不是指：{listed}？/ Did you mean one of these?"
        super().__init__(message)


class Divisions:
    """Every county, prefecture-level city and province the gazetteer knows, by code and by name."""

    def __init__(self, counties: Iterable[County], county_aliases: dict[str, list[str]] | None = None):
        self.by_code: dict[str, Division] = {}
        for code, province in BY_CODE.items():
            self.by_code[code] = Division(code, province.name, Level.province, province.name)
        for county in counties:
            province_name = BY_CODE[county.province_code].name if county.province_code in BY_CODE else ""
            city_code = county.code[:4] + "00"
            has_city = county.city and county.city != NO_PREFECTURE and city_code not in BY_CODE
            if has_city and city_code not in self.by_code:
                full = "".join(dict.fromkeys(p for p in (province_name, county.city) if p))
                self.by_code[city_code] = Division(city_code, county.city, Level.city, full)
            if county.code not in self.by_code:
                parts = (province_name, county.city if county.city != NO_PREFECTURE else "", county.name)
                full = "".join(dict.fromkeys(p for p in parts if p))
                self.by_code[county.code] = Division(county.code, county.name, Level.county, full)
        self._by_name: dict[str, list[Division]] = {}
        for division in self.by_code.values():
            for name in self._names(division):
                self._add(name, division)
        for code, aliases in (county_aliases or {}).items():
            if code in self.by_code:
                for alias in aliases:
                    self._add(alias, self.by_code[code])

    @classmethod
    def from_gazetteer(cls, gazetteer: Gazetteer) -> Divisions:
        aliases: dict[str, list[str]] = {}
        for place in gazetteer.places:
            if place.kind == "county":
                aliases.setdefault(place.county_code, []).extend(place.aliases)
        return cls(gazetteer.counties.values(), aliases)

    def _add(self, name: str, division: Division) -> None:
        found = self._by_name.setdefault(name, [])
        if division not in found:
            found.append(division)

    @staticmethod
    def _names(division: Division) -> list[str]:
        names = [division.name, division.full_name]
        if division.level is Level.city:
            for ending in CITY_ENDINGS:
                if division.name.endswith(ending) and len(division.name) > len(ending) + 1:
                    names.append(division.name[: -len(ending)])
        return names

    def get(self, code: str) -> Division | None:
        return self.by_code.get(code)

    def resolve(self, text: str) -> Division:
        """The region a code or name stands for; raises UnknownDivision with close matches or the candidates."""
        query = re.sub(r"\s+", "", text or "")
        if not query:
            raise UnknownDivision(text, [])
        if query.isdigit():
            found = self.by_code.get(query)
            if found is None:
                raise UnknownDivision(text, [d for c, d in self.by_code.items() if c[:4] == query[:4]][:5])
            return found
        province = find_province(query)
        if province is not None:
            return self.by_code[province.code]
        matches = self._by_name.get(query, [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise UnknownDivision(text, sorted(matches, key=lambda d: d.code), ambiguous=True)
        names = list(self._by_name)
        close = process.extract(query, names, scorer=fuzz.WRatio, limit=5, score_cutoff=70)
        suggestions: list[Division] = []
        for name, _, _ in close:
            for division in self._by_name[name]:
                if division not in suggestions:
                    suggestions.append(division)
        raise UnknownDivision(text, suggestions[:5])

    def counties_in(self, division: Division) -> list[Division]:
        return [d for d in self.by_code.values() if d.level is Level.county and division.contains(d.code)]
