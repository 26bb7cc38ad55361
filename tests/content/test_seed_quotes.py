"""The words we attribute to the seed documents are theirs, word for word.

The five seed documents (Chinese policy texts) are not shipped with the package. Point CARECIRCLE_SEEDS_DIR at
the folder that holds them to run these checks; without it they skip.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from content.registration import all_routes
from content.subsidies import all_subsidies

SEEDS = Path(os.environ.get("CARECIRCLE_SEEDS_DIR", "/nonexistent"))
# The document number each seed carries, as it is cited in our data.
NUMBERS = ("内政办发〔2019〕31号", "杭政办发〔2021〕62号", "运政办发〔2020〕37号", "伊政办发〔2024〕28号",
           "广府办发〔2020〕17号")


def _flat(text: str) -> str:
    """Line breaks and spaces from the PDF conversion removed: the words and punctuation remain."""
    return re.sub(r"\s+", "", text)


def _seeds() -> dict[str, str]:
    if not SEEDS.is_dir():
        pytest.skip("the seed documents are not at hand (set CARECIRCLE_SEEDS_DIR)")
    texts = [_flat(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    found = {}
    for number in NUMBERS:
        matching = [t for t in texts if _flat(number) in t]
        assert matching, f"no seed carries {number}"
        found[number] = matching[0]
    return found


def test_every_subsidy_quote_is_in_its_seed_word_for_word() -> None:
    seeds = _seeds()
    checked = 0
    for item in all_subsidies():
        if item.source.number not in seeds:
            assert not item.verified or item.region == "000000", item.id
            continue
        assert item.quote, f"{item.id}: a seed item carries its words"
        for quote in item.quote:
            assert _flat(quote) in seeds[item.source.number], f"{item.id}: {quote!r}"
            checked += 1
    assert checked >= 20


def test_every_registration_route_quote_is_in_its_seed_word_for_word() -> None:
    seeds = _seeds()
    for route in all_routes():
        if route.source.number not in seeds:
            continue
        for quote in route.quote:
            assert _flat(quote) in seeds[route.source.number], f"{route.region}: {quote!r}"
