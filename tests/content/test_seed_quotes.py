"""The words we attribute to the seed documents are theirs, word for word, in the article we cite.

The five seed documents (Chinese policy texts) are not shipped with the package. Point CARECIRCLE_SEEDS_DIR at
the folder that holds them to run these checks (CI does); without it they skip, saying why.

Each subsidy item and registration route names its document (`source.number`, `source.title`) and the article
(`source.article`, e.g. "二、（三）8. 财政税收政策", several joined by "；"). Here we check, against the seed:
- the title is the seed's own title;
- each cited heading exists: the part "二、", within it the section "（三）", within that the item "8.", followed
  by the heading's words where we give them;
- every quote occurs verbatim (spaces and line breaks aside) in the document, and inside one of the articles cited.
The guidance articles' inline citations ("运政办发〔2020〕37号 二、（四）11.") are checked the same way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from content.guidance import load_library
from content.registration import all_routes
from content.subsidies import all_subsidies
from content.text import Source

SEEDS = Path(os.environ.get("CARECIRCLE_SEEDS_DIR", "/nonexistent"))
# The document number each seed carries, as it is cited in our data.
NUMBERS = ("内政办发〔2019〕31号", "杭政办发〔2021〕62号", "运政办发〔2020〕37号", "伊政办发〔2024〕28号",
           "广府办发〔2020〕17号")
NUMERALS = "一二三四五六七八九十"
# One cited heading: a part "二、", a section "（三）", an item "8.", then (optionally) the heading's words.
HEADING = re.compile(rf"^(?P<part>[{NUMERALS}]+、)?(?P<section>（[{NUMERALS}]+）)?(?P<item>\d+\.)?(?P<title>.*)$")
# A citation inside an article body: the document number, then (optionally ", article") a heading number or an
# annex ("附件1").
CITATION = re.compile(rf"({'|'.join(map(re.escape, NUMBERS))})[,，\s]*(?:article\s*)?"
                      rf"([{NUMERALS}]+、(?:（[{NUMERALS}]+）)?(?:\d+\.)?|附件\d+)")


def _flat(text: str) -> str:
    """Line breaks and spaces from the PDF conversion removed: the words and punctuation remain."""
    return re.sub(r"\s+", "", text)


def _structure(text: str) -> str:
    """The flat text for finding headings: Markdown marks gone, half-width brackets made full-width (广元's
    seed writes "(一)" where our citations write "（一）"). Quotes are matched word for word in `_flat`'s text;
    here only to place them under a heading."""
    return _flat(text).replace("*", "").replace("#", "").replace("(", "（").replace(")", "）")


def _seed_texts() -> dict[str, str]:
    """Each seed's raw text by its document number."""
    if not SEEDS.is_dir():
        pytest.skip(f"the seed documents are not at hand (set CARECIRCLE_SEEDS_DIR; {SEEDS} is not a folder)")
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    found = {}
    for number in NUMBERS:
        matching = [t for t in texts if _flat(number) in _flat(t)]
        assert matching, f"no seed carries {number}"
        found[number] = matching[0]
    return found


def _seeds() -> dict[str, str]:
    return {number: _flat(text) for number, text in _seed_texts().items()}


def _numeral_after(marker: str) -> str | None:
    """The next sibling's marker: "二、" → "三、", "（三）" → "（四）", "8." → "9."."""
    if marker.endswith("."):
        return f"{int(marker[:-1]) + 1}."
    core = marker.strip("、（）")
    if core not in NUMERALS or core == NUMERALS[-1]:
        return None
    following = NUMERALS[NUMERALS.index(core) + 1]
    return marker.replace(core, following)


def _occurrences(text: str, marker: str, start: int, end: int) -> Iterator[int]:
    """Where a marker starts in text[start:end]; an item number "1." not as the tail of "11."."""
    at = text.find(marker, start, end)
    while at != -1:
        if not (marker[0].isdigit() and at > 0 and text[at - 1].isdigit()):
            yield at
        at = text.find(marker, at + 1, end)


def _spans(text: str, heading: str) -> list[tuple[int, int]]:
    """Every (start, end) in the structure text where the cited heading's chain of markers occurs, each level
    inside the one above it and ending where its next sibling begins."""
    match = HEADING.match(_flat(heading))
    assert match, heading
    markers = [m for m in (match["part"], match["section"], match["item"]) if m]
    assert markers, f"{heading!r} names no part, section or item"
    spans = [(0, len(text))]
    for marker in markers:
        deeper = []
        for start, end in spans:
            for at in _occurrences(text, marker, start, end):
                following = _numeral_after(marker)
                nxt = next(_occurrences(text, following, at + len(marker), end), end) if following else end
                deeper.append((at, nxt))
        spans = deeper
    if title := _structure(match["title"]):
        spans = [(s, e) for s, e in spans if text.startswith(title, s + len(markers[-1]))]
    return spans


def _cited(source: Source) -> list[str]:
    return [part.strip() for part in source.article.split("；") if part.strip()]


def _check_source(kind: str, key: str, source: Source, quotes: tuple[str, ...], raw: str) -> int:
    """The title, every cited heading and every quote of one item against its seed; the number of quotes."""
    flat, structure = _flat(raw), _structure(raw)
    assert _flat(source.title) in flat, f"{kind} {key}: the title {source.title!r} is not the seed's"
    passages: list[str] = []
    for heading in _cited(source):
        spans = _spans(structure, heading)
        assert spans, f"{kind} {key}: {source.number} has no heading {heading!r}"
        passages += [structure[s:e] for s, e in spans]
    for quote in quotes:
        assert _flat(quote) in flat, f"{kind} {key}: not word for word in {source.number}: {quote!r}"
        bracketed = _structure(quote)
        assert any(bracketed in p for p in passages), \
            f"{kind} {key}: {quote!r} is in {source.number} but not in {source.article!r}"
    return len(quotes)


def test_the_heading_finder_follows_the_seed_structure() -> None:
    text = _structure("二、主要任务 （一）甲 1.一项 2.二项 (二)乙 1.三项 2.六项 11.四项 三、组织 1.五项")
    assert [text[s:e] for s, e in _spans(text, "二、（二）1.")] == ["1.三项"]
    assert [text[s:e] for s, e in _spans(text, "二、（二）11. 四项")] == ["11.四项"]
    assert _spans(text, "二、（一）3.") == []
    assert _spans(text, "二、（一）1. 三项") == []  # the words after the number must be the seed's
    assert [text[s:e] for s, e in _spans(text, "三、1.")] == ["1.五项"]


def test_every_subsidy_quote_is_in_its_seed_word_for_word_under_the_article_cited() -> None:
    seeds = _seed_texts()
    checked = 0
    for item in all_subsidies():
        if item.source.number not in seeds:
            assert not item.verified, f"{item.id}: only what we checked against a document we hold is verified"
            continue
        assert item.verified, f"{item.id}: a seed item was checked against its seed"
        assert item.quote, f"{item.id}: a seed item carries its words"
        checked += _check_source("subsidy", item.id, item.source, item.quote, seeds[item.source.number])
    assert checked >= 30


def test_every_registration_route_quote_is_in_its_seed_word_for_word_under_the_article_cited() -> None:
    seeds = _seed_texts()
    checked = 0
    for route in all_routes():
        if route.source.number not in seeds:
            assert not route.verified, route.region
            continue
        assert route.quote, f"{route.region}: a seed route carries its words"
        checked += _check_source("route", route.region, route.source, route.quote, seeds[route.source.number])
    assert checked >= 4


def test_the_childcare_articles_cite_headings_that_their_seeds_have() -> None:
    seeds = _seed_texts()
    cited = 0
    for article in load_library().articles:
        for number, heading in CITATION.findall(article.body):
            structure = _structure(seeds[number])
            found = heading in structure if heading.startswith("附件") else _spans(structure, heading)
            assert found, f"{article.slug}.{article.locale}: {number} has no {heading}"
            cited += 1
    assert cited >= 20


def test_the_seeds_are_the_documents_we_cite() -> None:
    for number, text in _seeds().items():
        assert _flat(number) in text
