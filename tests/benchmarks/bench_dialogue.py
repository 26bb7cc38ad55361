"""The dialogue's figures: intent accuracy and safety on the held-out corpus, follow-up scripts, writer-grouped
cross-validation on the training corpus, load time, model size, and the time of a whole turn on SQLite.

Usage: python tests/benchmarks/bench_dialogue.py [--rounds 3] [--cv]

The held-out part (bot/understanding/corpus/heldout) was written by people who saw neither the code nor the
training part; nothing is trained or tuned on it. --cv also runs leave-one-writer-out cross-validation on the
training part, which is how the model's settings were chosen. Timings are medians: the machine is shared.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2]))

from api.db import open_store
from bot.replies import Message
from bot.understanding import Understanding, corpus
from bot.understanding.evaluate import evaluate
from bot.understanding.model import MODEL_FILE, IntentModel
from tests.bot.scripts import SCRIPTS, load, new_engine, run


def cross_validate() -> None:
    examples = corpus.load("train")
    writers = sorted({e.writer for e in examples})
    for writer in writers:
        model = Understanding(IntentModel.train([e for e in examples if e.writer != writer]))
        figures = evaluate(model, [e for e in examples if e.writer == writer])
        print(f"  held out {writer:32} accuracy {figures['accuracy']:.3f}  safety recall "
              f"{figures['safety_recall']:.3f}  false alarms {figures['false_alarms']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cv", action="store_true", help="also cross-validate by writer on the training part")
    parser.add_argument("--store", help="also time the turn and its store work on this database URL, e.g. "
                                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()

    start = time.perf_counter()
    understanding = Understanding.load()
    loaded = time.perf_counter() - start
    print(f"model file {MODEL_FILE.stat().st_size / 1e6:.1f} MB; model and segmenter loaded in {loaded:.2f} s")
    heldout = corpus.load("heldout")
    print(f"held-out corpus: {len(heldout)} messages by {len({e.writer for e in heldout})} writers")
    print(evaluate(understanding, heldout)["summary"])
    for writer in sorted({e.writer for e in heldout}):
        figures = evaluate(understanding, [e for e in heldout if e.writer == writer])
        print(f"  writer {writer:28} accuracy {figures['accuracy']:.3f}  safety recall "
              f"{figures['safety_recall']:.3f}  false alarms {figures['false_alarms']:.3f}")
    if args.cv:
        print("writer-grouped cross-validation on the training part:")
        cross_validate()

    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{folder}/bench.db")
        from tests.bot.test_engine import FakeSubscriptions

        engine, registry = new_engine(store, FakeSubscriptions())
        for name in sorted(path.name for path in SCRIPTS.glob("*.jsonl")):
            outcomes = run(engine, registry, load(name))
            held = sum(o.held for o in outcomes)
            scripts = len({o.script for o in outcomes})
            print(f"follow-up scripts {name}: {scripts} conversations, {held}/{len(outcomes)} checks hold "
                  f"= {held / len(outcomes):.3f}")
        messages = [e.text for e in heldout]
        turns: list[float] = []
        for round_no in range(args.rounds):
            for i, text in enumerate(messages):
                begin = time.perf_counter()
                engine.handle(f"s{round_no}-{i}", Message(text=text))
                turns.append(time.perf_counter() - begin)
        reads = []
        for text in messages:
            begin = time.perf_counter()
            understanding.read(text)
            reads.append(time.perf_counter() - begin)
        store.dispose()
    turns.sort()
    print(f"dialogue turn on SQLite over {len(turns)} messages (classifier included): median "
          f"{statistics.median(turns) * 1000:.2f} ms, p99 {turns[int(len(turns) * 0.99)] * 1000:.2f} ms")
    print(f"understanding alone (intent + safety): median {statistics.median(reads) * 1000:.2f} ms")
    if args.store:
        store_figures(args.store, messages, understanding)


class ReadOnce:
    """The understanding with each message read beforehand: the turn's time without the intent model."""

    def __init__(self, understanding: Understanding, messages: list[str]) -> None:
        self.heard = {text: understanding.read(text) for text in messages}
        self.understanding = understanding

    def read(self, text: str, age_months: int | None = None) -> object:
        return self.heard.get(text) if age_months is None and text in self.heard \
            else self.understanding.read(text, age_months)


def store_figures(url: str, messages: list[str], understanding: Understanding) -> None:
    """On the given store: one turn's store work (a state holding a search, read and written back), and whole
    turns with the intent model's work taken out (each message read beforehand)."""
    from bot.conversations import ConversationStore, State

    store = open_store(url)
    try:
        conversations = ConversationStore(store)
        state = State(topic="find_centre", listed=[f"SAMPLE-150627-{i:03}" for i in range(1, 9)], shown=5,
                      place="天骄社区伊金霍洛旗", region_code="150627", birth_date="2025-03-01")
        work = []
        for i in range(2000):
            session = f"bench-store-{i % 200}"
            begin = time.perf_counter()
            with conversations.turn(session) as held:  # as the engine does: one row read, one written
                held.state = state
            work.append(time.perf_counter() - begin)
        from tests.bot.test_engine import FakeSubscriptions

        engine, _ = new_engine(store, FakeSubscriptions())
        engine.understanding = ReadOnce(understanding, messages)  # type: ignore[assignment]
        turns = []
        for i, text in enumerate(messages * 2):
            begin = time.perf_counter()
            engine.handle(f"bench-turn-{i % 300}", Message(text=text))
            turns.append(time.perf_counter() - begin)
        turns.sort()
        print(f"store {store.dialect.name}: one turn's store work (read + write) median "
              f"{statistics.median(work) * 1000:.2f} ms; whole turn without the intent model median "
              f"{statistics.median(turns) * 1000:.2f} ms, p99 {turns[int(len(turns) * 0.99)] * 1000:.2f} ms")
    finally:
        with store.begin() as conn:
            from bot.store import conversations as table
            conn.execute(table.delete().where(table.c.session.like("bench-%")))
        store.dispose()


if __name__ == "__main__":
    main()
