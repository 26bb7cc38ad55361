"""Where a childcare provider registers (登记) and files (备案), per region, from the region's own document.

    route = route_for("140802")   # 盐湖区 → 运城市's route (运政办发〔2020〕37号 二、（四）11.)
    [(step.provider("zh"), step.office("zh")) for step in route.registration]

Routes differ: in 运城 both non-profit and for-profit providers register with the 审批服务管理部门, while in
Inner Mongolia and 广元 the non-profit ones go to the 机构编制 department (or 民政, or the social-organisation
registry) and the for-profit ones to 市场监管. A region without a route of its own follows its city, then its
province, then the national guideline (not checked against its text here, so marked unverified).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bilingual import msg
from content.text import Source, Text, quotes

DATA = Path(__file__).with_name("routes.yaml")
NATIONAL = "000000"


@dataclass(frozen=True)
class Step:
    provider: Text
    office: Text


@dataclass(frozen=True)
class Route:
    region: str
    name: Text
    registration: tuple[Step, ...]
    filing: Text
    source: Source
    verified: bool
    quote: tuple[str, ...] = ()

    @property
    def national(self) -> bool:
        return self.region == NATIONAL

    def lines(self, language: str) -> list[str]:
        """The route in plain sentences: each kind of provider and where it registers, then the filing."""
        out = [msg("content.registration.step", provider=s.provider, office=s.office)(language)
               for s in self.registration]
        out.append(msg("content.registration.then", filing=self.filing)(language))
        return out

    def citation(self) -> str:
        return f"{self.source.title}（{self.source.number}）{self.source.article}"


@cache
def all_routes() -> tuple[Route, ...]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    routes = []
    for r in raw["routes"]:
        routes.append(Route(
            region=str(r["region"]), name=Text.parse(r["name"]),
            registration=tuple(Step(Text.parse(s["provider"]), Text.parse(s["office"])) for s in r["registration"]),
            filing=Text.parse(r["filing"]), source=Source(**r["source"]), verified=bool(r["verified"]),
            quote=quotes(r.get("quote"))))
    return tuple(routes)


def route_for(region_code: str | None) -> Route:
    """The route for a county, city or province code: its own, else its city's, its province's, the nation's."""
    by_region = {r.region: r for r in all_routes()}
    if region_code and len(region_code) == 6 and region_code.isdigit():
        for code in (region_code, region_code[:4] + "00", region_code[:2] + "0000"):
            if code in by_region:
                return by_region[code]
    return by_region[NATIONAL]


def local_routes() -> list[Route]:
    """Every route from a regional document (the national fallback left out)."""
    return [r for r in all_routes() if not r.national]
