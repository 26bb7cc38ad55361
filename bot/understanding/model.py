"""The trained intent and safety classifiers: features, training, and reading one message.

Features (scikit-learn): TF-IDF of character 1–3-grams of the normalised text, of jieba words and word pairs,
and of pinyin syllables, pairs and triples. Two logistic regressions share them: one for the ten intents, one for
the safety classes. Training is deterministic (sorted data, lbfgs), so `carecircle dialogue train` rebuilds the
same model from the same corpus.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from bot.understanding import corpus
from bot.understanding.text import normalise, pinyin_features, word_features

MODEL_FILE = Path(__file__).parent / "intent_model.joblib"
FORMAT = 1


@dataclass(frozen=True)
class Settings:
    """Chosen by writer-grouped cross-validation on the training corpus (tests/benchmarks/bench_dialogue.py)."""

    intent_c: float = 8.0
    safety_c: float = 8.0
    min_df: int = 2


@dataclass(frozen=True)
class Reading:
    """The model's reading of one message: the likeliest intent, and the next one, with probabilities."""

    intent: str
    probability: float
    runner_up: str
    runner_up_probability: float


@dataclass(frozen=True)
class SafetyReading:
    label: str  # the likeliest non-"none" class
    probability: float  # its probability
    none_probability: float


def _features(settings: Settings) -> FeatureUnion:
    return FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=settings.min_df, sublinear_tf=True,
                                  lowercase=False, dtype=np.float32)),
        ("words", TfidfVectorizer(analyzer=word_features, min_df=settings.min_df, sublinear_tf=True,
                                  dtype=np.float32)),
        ("pinyin", TfidfVectorizer(analyzer=pinyin_features, min_df=settings.min_df, sublinear_tf=True,
                                   dtype=np.float32)),
    ])


class IntentModel:
    def __init__(self, features: FeatureUnion, intents: LogisticRegression, safety: LogisticRegression,
                 corpus_digest: str, settings: Settings):
        self.features = features
        self.intents = intents
        self.safety = safety
        self.corpus_digest = corpus_digest
        self.settings = settings
        self._safe_index = list(safety.classes_).index("none")

    @classmethod
    def train(cls, examples: Sequence[corpus.Example], settings: Settings = Settings(),
              corpus_digest: str = "") -> IntentModel:
        ordered = sorted(examples, key=lambda e: (e.text, e.intent, e.safety))
        texts = [normalise(e.text) for e in ordered]
        features = _features(settings)
        matrix = features.fit_transform(texts)
        intents = LogisticRegression(C=settings.intent_c, max_iter=3000, class_weight="balanced")
        intents.fit(matrix, [e.intent for e in ordered])
        safety = LogisticRegression(C=settings.safety_c, max_iter=3000, class_weight="balanced")
        safety.fit(matrix, [e.safety for e in ordered])
        return cls(features, intents, safety, corpus_digest, settings)

    def read(self, text: str) -> tuple[Reading, SafetyReading]:
        """Both readings of one message, from one pass over its features."""
        matrix = self.features.transform([normalise(text)])
        p = self.intents.predict_proba(matrix)[0]
        first, second = np.argsort(p)[::-1][:2]
        classes = self.intents.classes_
        reading = Reading(str(classes[first]), float(p[first]), str(classes[second]), float(p[second]))
        s = self.safety.predict_proba(matrix)[0]
        none_p = float(s[self._safe_index])
        s[self._safe_index] = -1.0
        top = int(np.argmax(s))
        return reading, SafetyReading(str(self.safety.classes_[top]), float(s[top]), none_p)

    # -- the shipped file ------------------------------------------------------------------------------
    def dumps(self) -> bytes:
        buffer = io.BytesIO()
        joblib.dump({"format": FORMAT, "features": self.features, "intents": self.intents, "safety": self.safety,
                     "corpus_digest": self.corpus_digest, "settings": self.settings}, buffer, compress=3)
        return buffer.getvalue()

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_bytes(self.dumps())

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> IntentModel:
        bundle = joblib.load(path)
        if bundle.get("format") != FORMAT:
            raise ValueError(f"{path.name} was written by another version; run `carecircle dialogue train`")
        return cls(bundle["features"], bundle["intents"], bundle["safety"], bundle["corpus_digest"],
                   bundle["settings"])


def build(root: Path = corpus.CORPUS, settings: Settings = Settings()) -> IntentModel:
    """The model from the training part of the corpus (never the held-out part)."""
    return IntentModel.train(corpus.load("train", root), settings, corpus.training_digest(root))
