"""Fees, subsidies, relief and priority admission by region, each with who receives it and its source document.

    answer = subsidy_answer("150627")       # a county: its own items, its city's, its province's, the nation's
    for group in answer.groups():          # families first, then centres, carers and employers
        group.label("zh"), [s.statement("zh") for s in group.items]

`subsidies_for(code)` is the flat list the bot has always used; `Subsidy.text(lang)` now says who receives the
money and, where the document says so, how to apply, so that money paid to centres never reads as money for
families.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml

from bilingual import msg
from content.text import Source, Text, quotes

DATA = Path(__file__).with_name("subsidies.yaml")
NATIONAL = "000000"


class Recipient(StrEnum):
    """Who receives a payment or a relief."""

    parents = "parents"  # the family: a parent, or the child
    centres = "centres"  # the childcare provider, never the family
    carers = "carers"  # people who work, or train to work, in childcare
    employers = "employers"  # employers that run or pay for childcare for their staff
    unnamed = "unnamed"  # a policy direction or fund whose document names no recipient (insurers encouraged…)


def recipient_label(recipient: Recipient) -> Text:
    """Who receives it, as a parent reads it: "家庭可享受", "给托育机构（不发给家庭）"… (content.subsidy.recipient.*)"""
    return msg(f"content.subsidy.recipient.{recipient.value}")


ORDER = tuple(Recipient)  # families first


@dataclass(frozen=True)
class Subsidy:
    id: str
    region: str
    beneficiary: str  # a Recipient value: parents, centres, carers, employers or unnamed
    zh: str
    en: str
    source: Source
    verified: bool
    how_to_apply: Text | None = None  # only where the document says how
    quote: tuple[str, ...] = ()  # the document's own words

    @property
    def recipient(self) -> Recipient:
        return Recipient(self.beneficiary)

    @property
    def for_families(self) -> bool:
        return self.recipient is Recipient.parents

    def statement(self, language: str) -> str:
        """What it is, as the document says it, without who receives it."""
        return self.en if language == "en" else self.zh

    def recipient_label(self, language: str) -> str:
        return recipient_label(self.recipient)(language)

    def apply_text(self, language: str) -> str | None:
        return self.how_to_apply(language) if self.how_to_apply else None

    def text(self, language: str) -> str:
        """One line for a parent: who receives it, what it is, and how to apply where the document says."""
        line = msg("content.subsidy.line", recipient=self.recipient_label(language),
                   statement=self.statement(language))(language)
        if (how := self.apply_text(language)) is not None:
            line += msg("content.subsidy.how_to_apply", how=how)(language)
        return line

    def citation(self) -> str:
        return f"{self.source.title}（{self.source.number}）{self.source.article}"


@dataclass(frozen=True)
class RecipientGroup:
    recipient: Recipient
    label: Text
    items: tuple[Subsidy, ...]


@dataclass(frozen=True)
class SubsidyAnswer:
    """The items for a region, with whether any of them are local (not only national)."""

    region_code: str | None
    items: tuple[Subsidy, ...]

    @property
    def has_local(self) -> bool:
        return any(s.region != NATIONAL for s in self.items)

    @property
    def for_families(self) -> tuple[Subsidy, ...]:
        return tuple(s for s in self.items if s.for_families)

    def groups(self) -> list[RecipientGroup]:
        """The items by who receives them, families first; empty groups left out."""
        return [RecipientGroup(r, recipient_label(r), found) for r in ORDER
                if (found := tuple(s for s in self.items if s.recipient is r))]


@cache
def all_subsidies() -> tuple[Subsidy, ...]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return tuple(
        Subsidy(id=i["id"], region=str(i["region"]), beneficiary=Recipient(i["for"]).value, zh=i["zh"].strip(),
                en=i["en"].strip(), source=Source(**i["source"]), verified=bool(i["verified"]),
                how_to_apply=Text.parse(i["how_to_apply"]) if i.get("how_to_apply") else None,
                quote=quotes(i.get("quote")))
        for i in raw["items"]
    )


def subsidies_for(region_code: str | None) -> list[Subsidy]:
    """Items for a county code: its own, its city's, its province's, then the national ones; families' first."""
    wanted = {NATIONAL}
    if region_code and len(region_code) == 6:
        wanted |= {region_code, region_code[:4] + "00", region_code[:2] + "0000"}
    found = [s for s in all_subsidies() if s.region in wanted]
    return sorted(found, key=lambda s: (ORDER.index(s.recipient), s.region == NATIONAL))


def subsidy_answer(region_code: str | None) -> SubsidyAnswer:
    """The answer to "what support is there here?": every item, each with who receives it."""
    return SubsidyAnswer(region_code, tuple(subsidies_for(region_code)))
