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


if __name__ == "__main__":
    main()
