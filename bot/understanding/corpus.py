"""The labelled corpus of parents' messages: data files, their format, and a loader that checks every label.

Format (see corpus/README.md): UTF-8 TSV files with the header `text<TAB>intent<TAB>safety`, one message a
line. `corpus/train/` is what the model learns from; `corpus/heldout/` is never trained or tuned on, and gives
the honest figures. Each file is one writer's work; the file name is the writer.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
INTENTS = ("find_centre", "check_centre", "leave", "guidance", "subsidy", "subscribe", "unsubscribe", "complaint",
           "help", "unknown")
SAFETY = ("none", "harm", "emergency", "medicine", "distress", "fraud")
# The contract's "Intents of special replies": what a safety reply reports as its intent.
SAFETY_INTENT = {"harm": "complaint", "fraud": "complaint", "emergency": "guidance", "medicine": "guidance",
                 "distress": "guidance"}
HEADER = ["text", "intent", "safety"]


class CorpusError(ValueError):
    """A corpus file that breaks the format: names the file, the line and the fault."""


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    safety: str
    writer: str  # the file it came from


def read_file(path: Path) -> list[Example]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header != HEADER:
            raise CorpusError(f"{path.name}: the first line must be {'<TAB>'.join(HEADER)}")
        examples = []
        for line_no, row in enumerate(reader, start=2):
            if not row or not "".join(row).strip():
                continue
            if len(row) != 3:
                raise CorpusError(f"{path.name}:{line_no}: expected 3 tab-separated fields, found {len(row)}")
            text, intent, safety = (field.strip() for field in row)
            if not text:
                raise CorpusError(f"{path.name}:{line_no}: empty text")
            if intent not in INTENTS:
                raise CorpusError(f"{path.name}:{line_no}: unknown intent {intent!r}")
            if safety not in SAFETY:
                raise CorpusError(f"{path.name}:{line_no}: unknown safety label {safety!r}")
            if safety != "none" and SAFETY_INTENT[safety] != intent:
                raise CorpusError(f"{path.name}:{line_no}: a {safety} message reports intent "
                                  f"{SAFETY_INTENT[safety]}, not {intent}")
            examples.append(Example(text, intent, safety, path.stem))
    return examples


def load(part: str, root: Path = CORPUS) -> list[Example]:
    """Every example of one part ("train" or "heldout"), files in name order, the first of duplicates kept.

    A training message that a held-out writer also wrote ("在吗", "托班") is left out of training, so that the
    held-out figures only count messages the model never saw.
    """
    files = sorted((root / part).glob("*.tsv"))
    if not files:
        raise CorpusError(f"no corpus files in {root / part}")
    examples: list[Example] = []
    seen: dict[str, str] = {}
    if part == "train" and (root / "heldout").is_dir():
        seen = {e.text: "heldout" for e in load("heldout", root)}
    for path in files:
        for example in read_file(path):
            if example.text in seen:
                continue  # two writers may well write the same short message ("托班"); keep the first
            seen[example.text] = path.name
            examples.append(example)
    return examples


def digest(paths: Iterable[Path]) -> str:
    """A hash of the training files, kept with the model: a different corpus means a stale model."""
    sha = hashlib.sha256()
    for path in sorted(paths):
        sha.update(path.name.encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()


def training_digest(root: Path = CORPUS) -> str:
    """The digest of what training reads: the training files, and the held-out ones whose messages it leaves out."""
    return digest([*(root / "train").glob("*.tsv"), *(root / "heldout").glob("*.tsv")])
