"""The content's bilingual text, the project's one (`bilingual.Text`: simplified Chinese and English, both required
in a data file), and the policy document that a statement comes from."""

from __future__ import annotations

from dataclasses import dataclass

from bilingual import Text

__all__ = ["Source", "Text", "quotes"]


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
