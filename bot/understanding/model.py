"""The trained intent and safety classifiers: features, training, and reading one message.

Features (scikit-learn): TF-IDF of character 1–3-grams of the normalised text, of jieba words and word pairs,
and of pinyin syllables, pairs and triples. Two logistic regressions share them: one for the ten intents, one for
the safety classes. Training is deterministic (sorted data, lbfgs), so `carecircle dialogue train` rebuilds the
same model from the same corpus.

The shipped file holds the fitted numbers only (vocabularies, idf weights, coefficients) and `CompactModel`
applies them with numpy: the same arithmetic as scikit-learn's transform and predict_proba (a test compares
them), without importing scikit-learn at start-up or paying its per-call checks on every message.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.understanding import corpus
from bot.understanding.text import normalise, pinyin_features, word_features

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion

MODEL_FILE = Path(__file__).parent / "intent_model.npz"
FORMAT = 2
WHITE_SPACES = re.compile(r"\s\s+")  # as scikit-learn's char analyser folds them


@dataclass(frozen=True)
class Settings:
    """Chosen by writer-grouped cross-validation on the training corpus (tests/benchmarks/bench_dialogue.py)."""

    intent_c: float = 8.0
    safety_c: float = 8.0
    # 3, not 2, since session 7: the file stays under 10 MB (6.8 instead of 10.5 MiB with 36,490 messages), and
    # cross-validation on 8 writers gave recall 2,983 against 2,987 of 2,997 and false alarms 183 against 186.
    min_df: int = 3


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


def char_features(text: str) -> list[str]:
    """Character 1–3-grams, exactly as scikit-learn's analyzer="char", ngram_range=(1, 3) makes them."""
    text = WHITE_SPACES.sub(" ", text)
    grams = list(text)
    for n in (2, 3):
        grams.extend(text[i:i + n] for i in range(len(text) - n + 1))
    return grams


ANALYSERS: tuple[tuple[str, Callable[[str], list[str]]], ...] = (
    ("chars", char_features), ("words", word_features), ("pinyin", pinyin_features))


def _features(settings: Settings) -> FeatureUnion:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion([
        ("chars", TfidfVectorizer(analyzer=char_features, min_df=settings.min_df, sublinear_tf=True,
                                  dtype=np.float32)),
        ("words", TfidfVectorizer(analyzer=word_features, min_df=settings.min_df, sublinear_tf=True,
                                  dtype=np.float32)),
        ("pinyin", TfidfVectorizer(analyzer=pinyin_features, min_df=settings.min_df, sublinear_tf=True,
                                   dtype=np.float32)),
    ])


class IntentModel:
    """The scikit-learn model, as trained; `export()` gives the compact form that ships."""

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
        from sklearn.linear_model import LogisticRegression

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

    def export(self) -> CompactModel:
        vocabularies, idfs = [], []
        for _, vectoriser in self.features.transformer_list:
            terms = sorted(vectoriser.vocabulary_, key=vectoriser.vocabulary_.__getitem__)
            vocabularies.append(terms)
            idfs.append(np.asarray(vectoriser.idf_, dtype=np.float64))
        return CompactModel(
            vocabularies=vocabularies, idfs=idfs,
            heads={"intents": _Head.of(self.intents), "safety": _Head.of(self.safety)},
            corpus_digest=self.corpus_digest)


@dataclass(frozen=True)
class _Head:
    classes: list[str]
    coef: np.ndarray  # classes × features
    intercept: np.ndarray

    @classmethod
    def of(cls, fitted: LogisticRegression) -> _Head:
        """The fitted numbers, the weights rounded to half precision: the file stays small (< 10 MB) and a
        probability moves by less than 1e-3."""
        return cls(list(map(str, fitted.classes_)), fitted.coef_.astype(np.float16).astype(np.float32),
                   fitted.intercept_.astype(np.float32))


def _softmax(scores: np.ndarray) -> np.ndarray:
    exp = np.exp(scores - scores.max())
    return exp / exp.sum()


class CompactModel:
    """The shipped model: fitted numbers applied with numpy, in microseconds and without scikit-learn."""

    def __init__(self, vocabularies: list[list[str]], idfs: list[np.ndarray], heads: dict[str, _Head],
                 corpus_digest: str):
        self.vocabularies = [{term: i for i, term in enumerate(terms)} for terms in vocabularies]
        self._terms = vocabularies
        self.idfs = idfs
        self.offsets = np.cumsum([0] + [len(t) for t in vocabularies])[:-1].tolist()
        self.heads = heads
        self.corpus_digest = corpus_digest
        self._safe_index = heads["safety"].classes.index("none")
        # Features × classes of both heads, so that one message's features are gathered once, row by row.
        self._weights = np.ascontiguousarray(np.vstack([heads["intents"].coef, heads["safety"].coef]).T)
        self._intercepts = np.concatenate([heads["intents"].intercept, heads["safety"].intercept])
        self._split = len(heads["intents"].classes)

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The sparse TF-IDF row (indices, values): sublinear tf × idf, each block normalised to unit length."""
        indices: list[np.ndarray] = []
        values: list[np.ndarray] = []
        normalised = normalise(text)
        for (_, analyse), vocabulary, idf, offset in zip(ANALYSERS, self.vocabularies, self.idfs, self.offsets,
                                                         strict=True):
            known = [(vocabulary[term], n) for term, n in Counter(analyse(normalised)).items() if term in vocabulary]
            if not known:
                continue
            ids, counts = np.array(known).T
            weights = (1.0 + np.log(counts)) * idf[ids]
            indices.append(ids + offset)
            values.append(weights / np.sqrt(weights @ weights))
        if not indices:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        return np.concatenate(indices), np.concatenate(values)

    def read(self, text: str) -> tuple[Reading, SafetyReading]:
        indices, values = self.vector(text)
        scores = values @ self._weights[indices] + self._intercepts  # both heads in one product
        head = self.heads["intents"]
        p = _softmax(scores[:self._split])
        first, second = np.argsort(p)[::-1][:2]
        reading = Reading(head.classes[first], float(p[first]), head.classes[second], float(p[second]))
        safety = self.heads["safety"]
        s = _softmax(scores[self._split:])
        none_p = float(s[self._safe_index])
        s[self._safe_index] = -1.0
        top = int(np.argmax(s))
        return reading, SafetyReading(safety.classes[top], float(s[top]), none_p)

    # -- the shipped file ------------------------------------------------------------------------------
    def dumps(self) -> bytes:
        arrays: dict[str, np.ndarray] = {}
        for n, (terms, idf) in enumerate(zip(self._terms, self.idfs, strict=True)):
            arrays[f"terms{n}"] = np.array(terms, dtype=str)
            arrays[f"idf{n}"] = idf
        meta: dict[str, object] = {"format": FORMAT, "corpus_digest": self.corpus_digest, "blocks": len(self._terms),
                                   "classes": {name: head.classes for name, head in self.heads.items()}}
        for name, head in self.heads.items():
            arrays[f"{name}_coef"] = head.coef.astype(np.float16)
            arrays[f"{name}_intercept"] = head.intercept
        arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False))
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
        return buffer.getvalue()

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_bytes(self.dumps())

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> CompactModel:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("format") != FORMAT:
                raise ValueError(f"{path.name} was written by another version; run `carecircle dialogue train`")
            blocks = range(meta["blocks"])
            heads = {name: _Head(classes, data[f"{name}_coef"].astype(np.float32), data[f"{name}_intercept"])
                     for name, classes in meta["classes"].items()}
            return cls([data[f"terms{n}"].tolist() for n in blocks], [data[f"idf{n}"] for n in blocks], heads,
                       meta["corpus_digest"])


def build(root: Path = corpus.CORPUS, settings: Settings = Settings()) -> IntentModel:
    """The model from the training part of the corpus (never the held-out part)."""
    return IntentModel.train(corpus.load("train", root), settings, corpus.training_digest(root))
