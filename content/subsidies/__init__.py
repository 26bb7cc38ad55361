"""Fees, subsidies and priority admission by region, each with its source document."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).with_name("subsidies.yaml")
NATIONAL = "000000"


@dataclass(frozen=True)
class Source:
    title: str
    number: str
    article: str


@dataclass(frozen=True)
class Subsidy:
    id: str
    region: str
    beneficiary: str  # parents, centres or carers
    zh: str
    en: str
    source: Source
    verified: bool

    def text(self, language: str) -> str:
        return self.en if language == "en" else self.zh


@cache
def all_subsidies() -> tuple[Subsidy, ...]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return tuple(
        Subsidy(id=i["id"], region=str(i["region"]), beneficiary=i["for"], zh=i["zh"].strip(), en=i["en"].strip(),
                source=Source(**i["source"]), verified=bool(i["verified"]))
        for i in raw["items"]
    )


def subsidies_for(region_code: str | None) -> list[Subsidy]:
    """Items for a county code: its own, its city's, its province's, then the national ones; parents' first."""
    wanted = {NATIONAL}
    if region_code and len(region_code) == 6:
        wanted |= {region_code, region_code[:4] + "00", region_code[:2] + "0000"}
    found = [s for s in all_subsidies() if s.region in wanted]
    order = {"parents": 0, "centres": 1, "carers": 2}
    return sorted(found, key=lambda s: (order.get(s.beneficiary, 9), s.region == NATIONAL))

