"""Understanding a parent's message: the trained intent model and the safety layer in front of it.

    understanding = Understanding.load()          # at start-up: the model and the segmenter (< 1 s)
    heard = understanding.read("宝宝嘴唇发紫喘不上气")
    heard.alarm.kind                               # 'emergency'
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Protocol

from bot.understanding import safety
from bot.understanding.model import MODEL_FILE, CompactModel, Reading, SafetyReading
from bot.understanding.text import warm_up

# The model asks instead of guessing below this probability, or when the runner-up is this close.
# Chosen by writer-grouped cross-validation on the training corpus (bench_dialogue.py --cv).
UNSURE_BELOW = 0.40
CLOSE_MARGIN = 0.10


@dataclass(frozen=True)
class Heard:
    reading: Reading
    alarm: safety.Alarm | None

    @property
    def intent(self) -> str:
        return self.reading.intent

    def runner_up(self) -> Heard:
        """The same message read as its second intent ("这个月龄该注意什么" asked at the consent step)."""
        r = self.reading
        return replace(self, reading=Reading(r.runner_up, r.runner_up_probability, r.intent, r.probability))

    @property
    def unsure(self) -> bool:
        r = self.reading
        if r.intent == "unknown" or r.runner_up == "unknown":
            return False  # "unknown" is answered with the menu anyway
        return r.probability < UNSURE_BELOW or r.probability - r.runner_up_probability < CLOSE_MARGIN


class Model(Protocol):
    def read(self, text: str) -> tuple[Reading, SafetyReading]: ...


class Understanding:
    def __init__(self, model: Model):
        self.model = model

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Understanding:
        warm_up()
        understanding = cls(CompactModel.load(path))
        understanding.read("你好")  # the first real message pays for nothing
        return understanding

    @staticmethod
    @cache
    def shared() -> Understanding:
        """The shipped model, loaded once per process."""
        return Understanding.load()

    def read(self, text: str, age_months: int | None = None) -> Heard:
        reading, safety_reading = self.model.read(text)
        return Heard(reading, safety.check(text, safety_reading, age_months))
