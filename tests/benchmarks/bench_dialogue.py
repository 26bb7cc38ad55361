"""Intent accuracy per intent on the labelled sets, and the median time of one dialogue turn.

Usage: python tests/benchmarks/bench_dialogue.py [--rounds 5]

The turn time covers the whole engine: state load and save (SQLite in a temporary folder), intent, slots and the
reply, over every message of both sets. Medians are reported, since timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from api.db import open_store
from bot.conversations import ConversationStore
from bot.engine import Engine
from bot.intents import INTENTS, classify
from bot.replies import Message
from content.guidance.library import load_library
from geodata.gazetteer import default_gazetteer
from geodata.geocode import GazetteerGeocoder
from geodata.importer import read_registry_file
from geodata.index import StraightLineWalker
from geodata.registry import Registry
from geodata.walk import WalkModel

DATA = Path(__file__).parents[1] / "bot" / "data"
SAMPLE = Path(__file__).parents[2] / "geodata" / "data" / "sample_centres.csv"


def labelled(name: str) -> list[tuple[str, str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [(a, b) for a, b in (line.split("\t") for line in lines if line.strip() and not line.startswith("#"))]


def accuracy(rows: list[tuple[str, str]]) -> tuple[float, dict[str, str]]:
    total, right = Counter(), Counter()
    for text, label in rows:
        total[label] += 1
        right[label] += classify(text).intent == label
    per = {i: f"{right[i]}/{total[i]} = {right[i] / total[i]:.0%}" for i in INTENTS if total[i]}
    return sum(right.values()) / len(rows), per


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    for name in ("intents.tsv", "intents_heldout.tsv"):
        overall, per = accuracy(labelled(name))
        print(f"{name}: overall {overall:.1%}")
        for intent, figure in per.items():
            print(f"  {intent:13} {figure}")
    messages = [text for name in ("intents.tsv", "intents_heldout.tsv") for text, _ in labelled(name)]
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{folder}/bench.db")
        registry = Registry(store, StraightLineWalker(WalkModel()))
        registry.save(read_registry_file(SAMPLE, is_sample=True).accepted)
        now = datetime(2026, 11, 24, 3, tzinfo=UTC)
        engine = Engine(registry=registry, conversations=ConversationStore(store, clock=lambda: now),
                        gazetteer=default_gazetteer(), geocoder=GazetteerGeocoder(), library=load_library(),
                        clock=lambda: now)
        engine.handle("warm", Message(text="你好"))
        turns, intents_only = [], []
        for round_no in range(args.rounds):
            for i, text in enumerate(messages):
                start = time.perf_counter()
                engine.handle(f"s{round_no}-{i}", Message(text=text))
                turns.append(time.perf_counter() - start)
                start = time.perf_counter()
                classify(text)
                intents_only.append(time.perf_counter() - start)
        store.dispose()
    turns.sort()
    print(f"dialogue turn over {len(turns)} messages: median {statistics.median(turns) * 1000:.2f} ms, "
          f"p90 {turns[int(len(turns) * 0.9)] * 1000:.2f} ms (store round trip included)")
    print(f"intent reading alone: median {statistics.median(intents_only) * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
