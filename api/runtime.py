"""How a serving process prepares itself before it takes requests: warm, then with the garbage collector tuned.

Measured with tests/benchmarks/bench_load.py --diagnose (200 clients, nearest and chat on PostgreSQL): the
collector's full passes over the long-lived heap (the intent model's vocabulary, the segmenter's dictionary, the
gazetteer, the registry's index: millions of objects that never die) took up to a second each and a third of the
process's CPU, and the first chat message and first search of a fresh process paid for loading the engine and
building the index. So, before serving:

1. warm up: build the registry's index and the dialogue engine (model, segmenter, gazetteer, guidance), and read
   one message, so that no request pays for a first use;
2. freeze: move everything alive into the collector's permanent generation (gc.freeze), so that its passes only
   look at what requests allocate;
3. collect less often: a young-generation threshold sized for request garbage rather than 700 objects.
4. hand the interpreter lock over more often (1 ms rather than 5 ms), so that the event loop, which answers the
   in-memory searches, is not kept waiting by the worker threads that run the dialogue engine and the store calls.
"""

from __future__ import annotations

import gc
import sys

from api.services import Services

GC_THRESHOLDS = (20_000, 20, 20)  # young, middle, old: request garbage is short-lived and cycle-poor
SWITCH_INTERVAL_S = 0.001


def warm_up(services: Services) -> None:
    """Build what the first requests would otherwise build: the index, the engine and its model."""
    services.registry.snapshot()
    engine = services.dialogue
    engine.understanding.read("附近有普惠托育吗", None)
    _ = services.library, services.gazetteer, services.geocoder


def prepare_to_serve(services: Services) -> None:
    warm_up(services)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    sys.setswitchinterval(SWITCH_INTERVAL_S)
