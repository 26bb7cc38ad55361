"""Scripted follow-up conversations (bot/understanding/corpus/followups/*.jsonl), run against the engine on the
sample registry. Each check of each turn holds or not; the figure is the share that holds."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.conversations import ConversationStore
from bot.engine import Engine
from bot.replies import Message, Turn
from common import Recipient
from geodata.registry import Registry

SCRIPTS = Path(__file__).parents[2] / "bot" / "understanding" / "corpus" / "followups"
NOW = datetime(2026, 11, 24, 3, tzinfo=UTC)
FACT_LINE = re.compile(r"\d+\. [^\n]*：")
NUMBERED = re.compile(r"^\d+\. .*\n {3}\S", re.M)  # a numbered card with its details below, not a one-line fact


def tg(chat_id: int) -> Recipient:
    """A Telegram chat as a recipient."""
    return Recipient("telegram", str(chat_id))



@dataclass
class Outcome:
    script: str
    turn: int
    check: str
    held: bool
    text: str = field(repr=False, default="")


def load(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (SCRIPTS / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def run(engine: Engine, registry: Registry, scripts: list[dict[str, Any]]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for script in scripts:
        session, listed = f"script-{script['id']}", []
        for number, step in enumerate(script["turns"], start=1):
            if "location" in step:
                message = Message(location=tuple(step["location"]), recipient=tg(hash(session) % 10**9))  # type: ignore[arg-type]
            else:
                message = Message(text=step["say"], recipient=tg(hash(session) % 10**9))
            turn = engine.handle(session, message)
            # A turn that lists centres is the list its own checks refer to ("refers listed[0].name").
            new_search = turn.intent == "find_centre" and turn.centres and (not listed or turn.centres[0] not in listed)
            if (len(turn.centres) > 1 and not _facts_of_listed(turn.text)) or new_search:
                listed = list(turn.centres)
            for name, held in _checks(turn, step.get("expect", {}), listed, registry):
                outcomes.append(Outcome(script["id"], number, name, held, turn.text))
    return outcomes


def _checks(turn: Turn, expect: dict[str, Any], listed: list[str], registry: Registry):  # type: ignore[no-untyped-def]
    text = turn.text.lower()
    if "intent" in expect:
        yield "intent", turn.intent == expect["intent"]
    for word in expect.get("has", []):
        yield f"has {word}", word.lower() in text
    if "has_any" in expect:
        yield "has_any", any(w.lower() in text for w in expect["has_any"])
    for word in expect.get("lacks", []):
        yield f"lacks {word}", word.lower() not in text
    for ref in expect.get("refers", []):
        yield f"refers {ref}", _refers(ref, text, listed, registry)
    if expect.get("short"):
        yield "short", len([line for line in turn.text.splitlines() if line.strip()]) <= 4
    if "lists_centres" in expect:
        yield "lists_centres", lists_centres(turn) == expect["lists_centres"]
    if "listed_county" in expect:
        centres = [registry.get(i) for i in turn.centres]
        yield "listed_county", bool(centres) and all(c is not None and c.district_code == expect["listed_county"]
                                                     for c in centres)


def _facts_of_listed(text: str) -> bool:
    """"1. 银湖…：收费约…\n3. 童馨…：…": a fact of each of some listed centres, numbered as in their list (after
    one heading line at most), which leaves the list as it was."""
    lines = [line for line in text.splitlines() if line.strip()]
    facts = [line for line in lines if FACT_LINE.match(line)]
    return bool(facts) and len(facts) >= len(lines) - 1


def lists_centres(turn: Turn) -> bool:
    """A search's list of centres (numbered cards), not a one-line answer about a centre already listed."""
    return turn.intent == "find_centre" and (len(turn.centres) > 1 or bool(NUMBERED.search(turn.text)))


def _refers(ref: str, text: str, listed: list[str], registry: Registry) -> bool:
    head, _, attribute = ref.partition(".")
    position = int(head[head.index("[") + 1:head.index("]")])
    if position >= len(listed):
        return False
    centre = registry.get(listed[position])
    if centre is None:
        return False
    value = getattr(centre, attribute, None)
    if value is None:
        return False
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    return shown.lower() in text


def new_engine(store, subscriptions=None) -> tuple[Engine, Registry]:  # type: ignore[no-untyped-def]
    from content.guidance.library import load_library
    from geodata.gazetteer import default_gazetteer
    from geodata.geocode import GazetteerGeocoder
    from geodata.importer import read_registry_file
    from geodata.index import StraightLineWalker
    from geodata.walk import WalkModel

    sample = Path(__file__).parents[2] / "geodata" / "data" / "sample_centres.csv"
    registry = Registry(store, StraightLineWalker(WalkModel()))
    registry.save(read_registry_file(sample, is_sample=True).accepted)
    engine = Engine(registry=registry, conversations=ConversationStore(store, clock=lambda: NOW),
                    gazetteer=default_gazetteer(), geocoder=GazetteerGeocoder(), library=load_library(),
                    subscriptions=subscriptions, clock=lambda: NOW)
    return engine, registry
