"""Fuzzy lookup of centres by name: how a parent checks "is this centre filed?"."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from geodata.centre import Centre, Status
from geodata.table import STATUSES, CentreTable, PackedStrings

NOISE = re.compile(r"[\s·•・.。,，、\-—_()（）\[\]【】《》<>\"'“”‘’:：/]+")
LEGAL_SUFFIXES = ("有限责任公司", "有限公司", "股份公司")
PLACE_WORD = re.compile(r"[\u4e00-\u9fff]{2,6}?(镇|旗|县|区|苏木|街道|乡)")
# Postings read per search at most, after the rarest bigram (which is always read).
POSTINGS_BUDGET = 20_000
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
    """Names (and names with their address) of every centre, indexed by character bigrams.

    A search expands short place forms (阿镇 → 阿勒腾席热镇), picks candidates from an inverted index of bigrams
    (each weighted by its rarity), and lets rapidfuzz score only those: a few milliseconds at 100,000 centres,
    where scoring every name took a hundred. A query of one character is scored against every name.
    """

    def __init__(self, centres: Sequence[Centre] | CentreTable, short_forms: Mapping[str, str] | None = None):
        table = centres if isinstance(centres, CentreTable) else CentreTable.from_centres(centres)
        self.table = table
        names, addresses = list(table.names), list(table.addresses)
        self._names = PackedStrings([normalise(n or "") for n in names])
        full = [normalise((n or "") + (a or "")) for n, a in zip(names, addresses, strict=True)]
        self._full = PackedStrings(full)
        self._status_rank = np.asarray([STATUS_ORDER.get(s, len(STATUS_ORDER)) for s in STATUSES],
                                       dtype=np.int8)[table.status] if len(table) else np.zeros(0, np.int8)
        found = short_forms_of([f"{n} {a}" for n, a in zip(names, addresses, strict=True)])
        # A place's short name that a centre's name holds (育才 of 育才小区 in 育才幼儿园托班) stays as it is.
        every_name = "\n".join(n or "" for n in names)
        given = {short: full for short, full in (short_forms or {}).items() if short not in every_name}
        # Longest first, so that 阿镇 is expanded before a shorter form inside it could be.
        self._short = dict(sorted({**found, **given}.items(), key=lambda kv: -len(kv[0])))
        self._grams, self._starts, self._rows, self._weights = _bigram_index(full)

    @property
    def centres(self) -> list[Centre]:
        return self.table.all()

    def __len__(self) -> int:
        return len(self.table)

    def expand(self, query: str) -> str:
        for short, full in self._short.items():
            if short in query and full not in query:
                query = query.replace(short, full)
        return query

    def search(self, query: str, limit: int = 5, cutoff: float = 60) -> list[NameMatch]:
        """The best candidates, best first; among equal scores, operating centres before the rest."""
        return [NameMatch(self.table.centre(i), s) for i, s in self.scored(query, limit, cutoff)]

    def scored(self, query: str, limit: int = 5, cutoff: float = 60) -> list[tuple[int, float]]:
        """(row, score) of the best candidates, best first (see `search`)."""
        q = normalise(self.expand(query))
        if not q or not len(self.table):
            return []
        rows = self._candidates(q, max(limit * 20, 200))
        names = self._names.take(rows)
        scores: dict[int, float] = {}
        for _, score, k in process.extract(q, names, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=cutoff):
            scores[rows[k]] = score
        if len(q) >= 2:
            # A partial name (萌宝驿站 for 萌宝驿站·天骄社区点) or a name with its place (阿镇小星星).
            full = self._full.take(rows)
            for _, score, k in process.extract(q, full, scorer=fuzz.partial_ratio, limit=limit * 4,
                                               score_cutoff=cutoff):
                scores[rows[k]] = max(scores.get(rows[k], 0.0), score * 0.95)
        rank, label = self._status_rank, self.table.names
        ranked = sorted(scores.items(), key=lambda kv: (-round(kv[1], 1), rank[kv[0]], label.text(kv[0])))
        return [(i, round(s, 1)) for i, s in ranked[:limit]]

    def _candidates(self, q: str, most: int) -> list[int]:
        """Rows sharing the query's rarest bigrams, the `most` best by the summed rarity; all rows for one character."""
        n = len(self.table)
        codes = _bigrams(q)
        if len(codes) == 0 or n <= most:
            return list(range(n))
        at = np.searchsorted(self._grams, codes)
        inside = at < len(self._grams)
        at = at[inside][self._grams[at[inside]] == codes[inside]]
        if len(at) == 0:
            return []
        # Rarest first; the commonest bigrams (托育, 中心) are left out once the rarer ones give enough rows.
        at = at[np.argsort(self._starts[at + 1] - self._starts[at], kind="stable")]
        sizes = np.cumsum(self._starts[at + 1] - self._starts[at])
        at = at[:max(1, int(np.searchsorted(sizes, POSTINGS_BUDGET, side="right")))]
        pieces = [self._rows[self._starts[p]:self._starts[p + 1]] for p in at.tolist()]
        weights = np.repeat(self._weights[at], [len(x) for x in pieces])
        found = np.concatenate(pieces)
        score = np.bincount(found, weights=weights, minlength=n)
        hit = np.flatnonzero(score)
        if len(hit) > most:
            hit = hit[np.argpartition(-score[hit], most)[:most]]
        return hit.tolist()


def _bigrams(text: str) -> np.ndarray:
    """The distinct character bigrams of `text` as 42-bit codes (two 21-bit code points; 63 bits with a row)."""
    chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    return np.unique((chars[:-1] << 21) | chars[1:])


def _bigram_index(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sorted distinct bigram codes, where each one's rows start in `rows`, the rows, and each bigram's weight."""
    if not texts:
        empty = np.zeros(0, dtype=np.uint64)
        return empty, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0)
    chars = np.frombuffer("\0".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    row_of = np.repeat(np.arange(len(texts), dtype=np.int32), lengths)[:len(chars)]
    keep = (chars[:-1] != 0) & (chars[1:] != 0)
    codes = ((chars[:-1] << 21) | chars[1:])[keep]
    rows = row_of[:-1][keep]
    # One posting per (bigram, row): sort by both, drop repeats (one 64-bit key while rows fit in 21 bits).
    if len(texts) < 2**21:
        keys = np.sort((codes << 21) | rows.astype(np.uint64))
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
        codes, rows = keys >> 21, (keys & (2**21 - 1)).astype(np.int32)
    else:
        order = np.lexsort((rows, codes))
        codes, rows = codes[order], rows[order]
        first = np.ones(len(codes), dtype=bool)
        first[1:] = (codes[1:] != codes[:-1]) | (rows[1:] != rows[:-1])
        codes, rows = codes[first], rows[first]
    starts = np.flatnonzero(np.concatenate(([len(codes) > 0], codes[1:] != codes[:-1])))  # codes are sorted
    grams = codes[starts]
    starts = np.append(starts, len(codes)).astype(np.int64)
    frequency = np.diff(starts)
    weights = np.log1p(len(texts) / frequency)  # rarer bigrams say more
    return grams, starts, rows, weights
