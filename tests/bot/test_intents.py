"""The labelled intent sets: well formed, and the decisions that must never go wrong.

Accuracy per intent is a figure, not a threshold: `python tests/benchmarks/bench_dialogue.py` reports it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.intents import INTENTS, classify

DATA = Path(__file__).parent / "data"


def labelled(name: str) -> list[tuple[str, str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line.strip() and not line.startswith("#")]  # type: ignore[misc]


@pytest.mark.parametrize(("name", "at_least"), [("intents.tsv", 150), ("intents_heldout.tsv", 130)])
def test_sets_use_the_contract_vocabulary(name: str, at_least: int) -> None:
    rows = labelled(name)
    assert len(rows) >= at_least
    assert {label for _, label in rows} == set(INTENTS)
    assert len({text for text, _ in rows}) == len(rows)


@pytest.mark.parametrize("name", ["intents.tsv", "intents_heldout.tsv"])
def test_wanting_out_is_never_read_as_subscribing(name: str) -> None:
    out = [text for text, label in labelled(name) if label == "unsubscribe"]
    assert [text for text in out if classify(text).intent == "subscribe"] == []


@pytest.mark.parametrize(("text", "intent"), [
    ("取消订阅", "unsubscribe"), ("订阅", "subscribe"), ("别再给我发消息了", "unsubscribe"),
    ("123", "unknown"), ("12345", "complaint"), ("山西产假", "leave"), ("", "unknown"),
])
def test_exact_readings(text: str, intent: str) -> None:
    assert classify(text).intent == intent
