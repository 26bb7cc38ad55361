"""Text as the intent model sees it: normalised characters, words from a Chinese segmenter, and pinyin.

Pinyin puts homophones together (脱育/拖育/托育 all read "tuo yu"), and a segmenter gives word features that
character n-grams alone miss. Both libraries load once, at start-up (`warm_up`), never on a first message.
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import jieba
from opencc import OpenCC
from pypinyin import Style, lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict
from pypinyin.seg.mmseg import seg as PHRASES

MAX_CHARS = 300  # a long message is read this far; the ask is near the start
SPACES = re.compile(r"\s+")
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
LATIN_WORD = re.compile(r"[a-z][a-z']+|\d+")
# Punctuation and emoji carry no intent; digits and Latin letters do ("12345", "td", "cj").
NOISE = re.compile(r"[^\w\u4e00-\u9fff]+")

SEGMENTER_DICT = Path(__file__).with_name("segmenter.dict")
LONGEST_WORD = 8
UNUSED = "\ue000"  # a private-use character no message holds: it carries the rest of jieba's total frequency

jieba.setLogLevel(logging.WARNING)
_tokenizer = jieba.Tokenizer(str(SEGMENTER_DICT)) if SEGMENTER_DICT.exists() else jieba.Tokenizer()


def segmenter_dictionary(texts: Iterable[str]) -> str:
    """jieba's dictionary cut down to the words that occur in these texts, for a start-up in milliseconds.

    The left-out words' frequencies go to one unused entry, so the total (and with it every word's probability)
    stays as in the full dictionary: the texts are cut exactly as the full dictionary cuts them, and words the
    corpus never holds carry no weight in the model anyway.
    """
    pieces = {t[i:i + n] for t in map(normalise, texts) for n in range(1, LONGEST_WORD + 1)
              for i in range(len(t) - n + 1)}
    kept, total, left_out = [], 0, 0
    with jieba.get_dict_file() as handle:
        for raw in handle:
            line = raw.decode("utf-8").strip()
            if not line:
                continue
            word, freq = line.split(" ")[:2]
            total += int(freq)
            if word in pieces:
                kept.append(line)
            else:
                left_out += int(freq)
    kept.append(f"{UNUSED} {left_out}")
    return "\n".join(kept) + "\n"


def warm_up() -> None:
    """Load the segmenter's dictionary now (about half a second), not on the first message."""
    _tokenizer.initialize()
    lazy_pinyin("托育")


TO_SIMPLIFIED = OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional characters as simplified ones (寶寶吞了一顆磁鐵 → 宝宝吞了一颗磁铁; 第一間電話幾多), by OpenCC."""
    return TO_SIMPLIFIED.convert(text)


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, punctuation and emoji to single spaces."""
    folded = unicodedata.normalize("NFKC", text[:MAX_CHARS]).lower()
    return SPACES.sub(" ", NOISE.sub(" ", folded)).strip()


@lru_cache(maxsize=4096)
def words(text: str) -> tuple[str, ...]:
    """Segmented words of the normalised text (Chinese by jieba, Latin words and numbers whole)."""
    return tuple(w for w in _tokenizer.lcut(text) if w.strip())


# Every toneless pinyin syllable, to read pinyin typed without spaces ("tuoyuyuan" → tuo yu yuan).
SYLLABLES = frozenset(
    reading for readings in set(pinyin_dict.values())
    for reading in unicodedata.normalize("NFD", readings).encode("ascii", "ignore").decode().split(",")
) - {"m", "n", "ng", "hm", "hng"}


@lru_cache(maxsize=4096)
def syllables(word: str) -> tuple[str, ...]:
    """"tuoyuyuan" → ("tuo", "yu", "yuan"): the fewest pinyin syllables that make the word; () when none do
    ("the")."""
    if word in SYLLABLES:
        return (word,)
    if len(word) > 40:
        return ()
    best: list[tuple[str, ...] | None] = [()] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            before, now = best[start], best[end]
            if before is not None and word[start:end] in SYLLABLES and (now is None or len(before) + 1 < len(now)):
                best[end] = (*before, word[start:end])
    return best[-1] or ()


def looks_like_pinyin(text: str) -> bool:
    """Typed in pinyin ("fu jin you mei you pu hui tuo yu", "baobao fashao le"): three Latin words or more, and
    at least four in five of them made of pinyin syllables."""
    latin = re.findall(r"[a-z]+", text.lower())
    return len(latin) >= 3 and sum(bool(syllables(w)) for w in latin) >= 0.8 * len(latin)


@lru_cache(maxsize=65536)
def _phrase_pinyin(phrase: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(phrase, style=Style.NORMAL, errors="ignore"))


def pinyin(text: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of the Chinese characters, so that homophones share features.

    Each run of characters is cut into pypinyin's own phrases (its readings of 多音字 depend on the phrase), and
    each phrase is read once: the same syllables as `lazy_pinyin` of the whole run, in a fifth of the time."""
    syllables: list[str] = []
    for run in CJK_RUN.findall(text):
        for phrase in PHRASES.cut(run):
            syllables.extend(_phrase_pinyin(phrase))
    return tuple(syllables)


def word_features(text: str) -> list[str]:
    """Words and word pairs, for the model's word vectoriser (text is already normalised)."""
    tokens = list(words(text))
    return tokens + [a + "_" + b for a, b in itertools.pairwise(tokens)]


def pinyin_features(text: str) -> list[str]:
    """Syllables, syllable pairs and triples: "tuo_yu" matches 托育 typed as 脱育."""
    syl = list(pinyin(text))
    pairs = [a + "_" + b for a, b in itertools.pairwise(syl)]
    triples = [a + "_" + b + "_" + c for a, b, c in zip(syl, syl[1:], syl[2:], strict=False)]
    return syl + pairs + triples
