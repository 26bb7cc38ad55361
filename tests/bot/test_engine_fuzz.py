"""No message crashes the engine: empty, 10,000 characters, emoji, control characters, anything."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.conversations import ConversationStore
from bot.engine import Engine
from bot.replies import Message
from bot.understanding.corpus import INTENTS
from content.guidance.library import load_library
from geodata.gazetteer import default_gazetteer
from geodata.geocode import GazetteerGeocoder
from geodata.index import StraightLineWalker
from geodata.registry import Registry
from geodata.walk import WalkModel

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
TRICKY = st.sampled_from(["", " ", "\x00\x01\x1b[31m", "🍼" * 500, "产假" * 5000, "2026-02-30", "/start",
                          "附近" + "\u200b" * 100, "０１２３", "9999年99月99日", "-1个月", "999岁"])


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:  # type: ignore[no-untyped-def]
    from api.db import open_store

    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'store.db'}")
    return Engine(registry=Registry(store, StraightLineWalker(WalkModel())),
                  conversations=ConversationStore(store, clock=lambda: NOW), gazetteer=default_gazetteer(),
                  geocoder=GazetteerGeocoder(), library=load_library(), clock=lambda: NOW)


LONG = st.text(min_size=1, max_size=20).map(lambda s: (s * 10000)[:10000])  # 10,000 characters


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=300), TRICKY, LONG),
       button=st.one_of(st.none(), st.text(max_size=64)))
def test_any_text_or_button_gets_a_reply(engine: Engine, text: str, button: str | None) -> None:
    turn = engine.handle("fuzz", Message(text=text, button=button))
    assert turn.intent in INTENTS
    assert turn.replies and all(r.text for r in turn.replies)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lat=st.floats(allow_nan=True, allow_infinity=True), lon=st.floats(allow_nan=True, allow_infinity=True))
def test_any_location_gets_a_reply(engine: Engine, lat: float, lon: float) -> None:
    turn = engine.handle("fuzz-loc", Message(location=(lat, lon)))
    assert turn.intent == "find_centre" and turn.replies
