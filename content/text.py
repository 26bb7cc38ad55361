"""The content's one bilingual text (simplified Chinese and English, both required), and the policy document
that a statement comes from."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field


class Text(BaseModel):
    """A sentence in both languages. `get("en")` is the English; anything else gets the Chinese."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.zh


@dataclass(frozen=True)
class Source:
    """A policy document: its title, its number (文号) and the article a statement comes from."""

    title: str
    number: str
    article: str


def quotes(raw: object) -> tuple[str, ...]:
    """A data file's `quote`: one passage, a list of them, or none."""
    if raw is None:
        return ()
    return tuple(str(q).strip() for q in (raw if isinstance(raw, list) else [raw]))
