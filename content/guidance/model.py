"""The guidance article: its front matter, checked field by field, and its Markdown body."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Locale = Literal["zh", "en"]
LOCALES: tuple[Locale, ...] = ("zh", "en")

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_AGE_MONTHS = 36
# A pushed item may be sent before birth (the pregnancy track, counted back from the due date),
# and never after the third birthday.
EARLIEST_SEND_DAY = -84
LATEST_SEND_DAY = 1096

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
AgeMonths = Annotated[int, Field(ge=0, le=MAX_AGE_MONTHS)]


# Short forms parents type, as the articles spell them out.
SPELLED_OUT = {"维d": "维生素d", "维ad": "维生素ad", "vd": "维生素d", "抽了": "抽搐", "抽风": "抽搐",
               "塞东西": "塞任何东西", "seizure": "a fit"}


class Topic(StrEnum):
    pregnancy = "pregnancy"
    newborn = "newborn"
    breastfeeding = "breastfeeding"
    formula = "formula"
    complementary_food = "complementary-food"
    sleep = "sleep"
    growth = "growth"
    checkups = "checkups"
    vaccination = "vaccination"
    development = "development"
    play = "play"
    illness = "illness"
    emergency = "emergency"
    safety = "safety"
    parents = "parents"
    childcare = "childcare"


TOPIC_LABELS: dict[Topic, str] = {
    Topic.pregnancy: "孕期准备",
    Topic.newborn: "新生儿护理",
    Topic.breastfeeding: "母乳喂养",
    Topic.formula: "配方奶喂养",
    Topic.complementary_food: "辅食与进食",
    Topic.sleep: "睡眠",
    Topic.growth: "生长发育",
    Topic.checkups: "健康检查",
    Topic.vaccination: "预防接种",
    Topic.development: "能力发展",
    Topic.play: "游戏与早期学习",
    Topic.illness: "常见病",
    Topic.emergency: "急救与就医",
    Topic.safety: "居家安全",
    Topic.parents: "父母健康",
    Topic.childcare: "选择托育",
}


@dataclass(frozen=True)
class SignOff:
    """A named reviewer's sign-off of one article in one language, for the text whose hash it carries."""

    slug: str
    locale: str
    reviewed_by: str
    reviewed_on: dt.date
    content_hash: str


class Source(BaseModel):
    """A named authoritative document the article is written from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: Text
    issuer: Text
    year: Annotated[int, Field(ge=1950, le=2100)]


class Article(BaseModel):
    """One guidance article in one language. The same slug in another locale is its translation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    slug: Slug
    locale: Locale
    title: Text
    summary: Text
    age_from_months: AgeMonths
    age_to_months: AgeMonths
    send_at_days: Annotated[int, Field(ge=EARLIEST_SEND_DAY, le=LATEST_SEND_DAY)] | None = None
    topics: Annotated[list[Topic], Field(min_length=1)]
    keywords: list[Text] = []
    sources: Annotated[list[Source], Field(min_length=1)]
    written_on: dt.date  # when the text was drafted (or last changed): not a review
    # A named reviewer's sign-off (contract: "Guidance review"). Null until a reviewer signs the article off;
    # `carecircle guidance review SLUG --by NAME` records one in the audit log, and front matter may carry one.
    reviewed_by: Text | None = None
    reviewed_on: dt.date | None = None
    translations: list[Locale] = []
    body: Text

    @model_validator(mode="after")
    def _check_consistency(self) -> Article:
        if self.age_from_months > self.age_to_months:
            raise ValueError(f"age_from_months ({self.age_from_months}) is after age_to_months ({self.age_to_months})")
        if self.locale in self.translations:
            raise ValueError(f"translations: lists the article's own locale {self.locale!r}")
        if (self.reviewed_by is None) != (self.reviewed_on is None):
            raise ValueError("reviewed_by and reviewed_on: a sign-off names its reviewer and its date, or neither")
        return self

    @property
    def reviewed(self) -> bool:
        return self.reviewed_by is not None

    @property
    def before_birth(self) -> bool:
        """An article for the pregnancy (pushed before the due date, for no age after birth): no age window."""
        return self.send_at_days is not None and self.send_at_days < 0 and self.age_to_months == 0

    def content_hash(self) -> str:
        """A fingerprint of everything a reviewer reads (not the review itself): a sign-off holds for this text only."""
        data = self.model_dump(mode="json", exclude={"reviewed_by", "reviewed_on", "written_on"})
        return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()

    def signed_off(self, by: str, on: dt.date) -> Article:
        """This article with a reviewer's sign-off."""
        return self.model_copy(update={"reviewed_by": by, "reviewed_on": on})

    @property
    def pushed(self) -> bool:
        return self.send_at_days is not None

    def passage_about(self, question: str, limit: int = 200) -> str | None:
        """The paragraph of the body that speaks to the question: the first one holding the longest of this
        article's keywords that the question holds and the title and summary do not ("一岁能喝牛奶吗" → the
        paragraph on milk); None if none does."""
        shown = f"{self.title} {self.summary}".lower()
        wanted = sorted((k for k in self.keywords if len(k) >= 2 and k.lower() in question.lower()
                         and k.lower() not in shown), key=len, reverse=True)
        paragraphs = [re.sub(r"\*\*|__|`", "", p).strip() for p in self.body.split("\n\n")]
        paragraphs = [p for p in paragraphs if p and not p.startswith("#")]
        for keyword in wanted:
            said = SPELLED_OUT.get(keyword.lower(), keyword.lower())  # 维D is written 维生素D in the body
            for paragraph in paragraphs:
                if said in paragraph.lower():
                    lines = [line for line in paragraph.splitlines() if said in line.lower()]
                    chosen = paragraph if len(paragraph) <= limit else lines[0].strip()  # a list: its line
                    return chosen if len(chosen) <= limit else chosen[:limit].rstrip() + "…"
        return None

    def months_from(self, age_months: int) -> int:
        """How many months the age lies outside the article's range (0 inside it)."""
        return max(self.age_from_months - age_months, age_months - self.age_to_months, 0)

    def covers_age(self, age_months: int) -> bool:
        return self.age_from_months <= age_months <= self.age_to_months

    def as_json(self, *, with_body: bool = False) -> dict[str, object]:
        """The contract's JSON shape (`guidance list` / `guidance show`)."""
        data: dict[str, object] = {
            "slug": self.slug,
            "title": self.title,
            "summary": self.summary,
            "locale": self.locale,
            "age_from_months": self.age_from_months,
            "age_to_months": self.age_to_months,
            "send_at_days": self.send_at_days,
            "topics": [str(t) for t in self.topics],
            "sources": [s.model_dump() for s in self.sources],
            "reviewed_by": self.reviewed_by,
            "reviewed_on": self.reviewed_on.isoformat() if self.reviewed_on else None,
            "written_on": self.written_on.isoformat(),
            "translations": list(self.translations),
        }
        if with_body:
            data["body"] = self.body
        return data
