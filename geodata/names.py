"""Fuzzy lookup of centres by name: how a parent checks "is this centre filed?"."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from geodata.centre import Centre, Status

NOISE = re.compile(r"[\s·•・.。,，、\-—_()（）\[\]【】《》<>\"'“”‘’:：/]+")
LEGAL_SUFFIXES = ("有限责任公司", "有限公司", "股份公司")
PLACE_WORD = re.compile(r"[\u4e00-\u9fff]{2,6}?(镇|旗|县|区|苏木|街道|乡)")
STATUS_ORDER = {Status.active: 0, Status.suspended: 1, Status.closed: 2, Status.revoked: 3}


@dataclass(frozen=True)
class NameMatch:
    centre: Centre
    score: float


def normalise(text: str) -> str:
    text = NOISE.sub("", text).lower()
    for suffix in LEGAL_SUFFIXES:
        text = text.removesuffix(suffix)
    return text


def short_forms_of(words: Sequence[str]) -> dict[str, str]:
    """阿勒腾席热镇 → 阿镇, 伊金霍洛旗 → 伊旗: the first character plus the kind of place."""
    forms: dict[str, str] = {}
    for word in words:
        for match in PLACE_WORD.finditer(word):
            full = match.group(0)
            if len(full) > 3 and not full.endswith(("社区", "小区", "园区")):
                forms.setdefault(full[0] + match.group(1), full)
    return forms


class NameIndex:
    def __init__(self, centres: Sequence[Centre], short_forms: Mapping[str, str] | None = None):
        self.centres = list(centres)
        self._names = [normalise(c.name) for c in self.centres]
        self._full = [normalise(c.name + c.address) for c in self.centres]
        found = short_forms_of([c.name + " " + c.address for c in self.centres])
        # Longest first, so that 阿镇 is expanded before a shorter form inside it could be.
        self._short = dict(sorted({**found, **(short_forms or {})}.items(), key=lambda kv: -len(kv[0])))

    def expand(self, query: str) -> str:
        for short, full in self._short.items():
            if short in query and full not in query:
                query = query.replace(short, full)
        return query

    def search(self, query: str, limit: int = 5, cutoff: float = 60) -> list[NameMatch]:
        """The best candidates, best first; among equal scores, operating centres before the rest."""
        q = normalise(self.expand(query))
        if not q or not self.centres:
            return []
        scores: dict[int, float] = {}
        for _, score, i in process.extract(q, self._names, scorer=fuzz.WRatio, limit=limit * 4,
                                           score_cutoff=cutoff):
            scores[i] = score
        if len(q) >= 2:
            # A partial name (萌宝驿站 for 萌宝驿站·天骄社区点) or a name with its place (阿镇小星星).
            for _, score, i in process.extract(q, self._full, scorer=fuzz.partial_ratio, limit=limit * 4,
                                               score_cutoff=cutoff):
                scores[i] = max(scores.get(i, 0.0), score * 0.95)
        ranked = sorted(scores.items(), key=lambda kv: (-round(kv[1], 1), STATUS_ORDER[self.centres[kv[0]].status],
                                                        self.centres[kv[0]].name))
        return [NameMatch(self.centres[i], round(s, 1)) for i, s in ranked[:limit]]
