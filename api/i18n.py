"""One bilingual text for everything people read on the pages and the admin pages: `Msg`, and its catalogue.

Every message lives once, in api/messages.yaml, under a key that says where it is used ("finder.title"), with its
Chinese and its English and {name} placeholders:

    msg("finder.near_place", place="天骄社区")("en")     # "Near 天骄社区"
    {{ _("finder.near_place", place=query.at) }}   # in a template: the page's language
    {{ province | local }}                         # a domain value that carries both languages

The domain keeps its own bilingual values (a province's name and English name, a leave note, a map app's labels);
`Msg.of` reads every one of those shapes in this one place, so the pages never pick a language by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
CATALOGUE = Path(__file__).with_name("messages.yaml")
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


@dataclass(frozen=True)
class Msg:
    """A text in Chinese and English."""

    zh: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def format(self, **values: Any) -> Msg:
        """Both languages with their {placeholders} filled; a value that is itself a Msg is filled per language."""
        zh = {k: v.zh if isinstance(v, Msg) else v for k, v in values.items()}
        en = {k: v.en if isinstance(v, Msg) else v for k, v in values.items()}
        return Msg(self.zh.format(**zh), self.en.format(**en))

    def both(self) -> str:
        """"中文 / English", for the JSON API and logs, where no page language applies."""
        return f"{self.zh} / {self.en}"

    def lines(self) -> str:
        """Chinese, then English on the next line: for the console."""
        return f"{self.zh}\n{self.en}"

    def __add__(self, other: Msg) -> Msg:
        return Msg(self.zh + other.zh, self.en + other.en)

    @classmethod
    def of(cls, value: Any) -> Msg:
        """The domain's bilingual shapes, read in one place: a Msg; content's Text (zh, en); a province or the
        leave answer's region (name, name_en); a leave part (label, label_en); a map link (label_zh, label_en);
        an input error (message_zh, message_en); or a plain string, the same in both languages (a name)."""
        if isinstance(value, Msg):
            return value
        if isinstance(value, str):
            return cls(value, value)
        if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
            return cls(value[0], value[1])  # the domain's (Chinese, English) labels, e.g. a case's status
        for zh, en in DOMAIN_PAIRS:
            if isinstance(value, Mapping) and zh in value and en in value:
                return cls(str(value[zh]), str(value[en]))
            if not isinstance(value, Mapping) and hasattr(value, zh) and hasattr(value, en):
                return cls(str(getattr(value, zh)), str(getattr(value, en)))
        raise TypeError(f"not a bilingual text: {value!r}")


DOMAIN_PAIRS = (("zh", "en"), ("name", "name_en"), ("label", "label_en"), ("label_zh", "label_en"),
                ("message_zh", "message_en"))


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Msg]:
    found: dict[str, Msg] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and set(value) == {"zh", "en"}:
            found[name] = Msg(str(value["zh"]), str(value["en"]))
        elif isinstance(value, Mapping):
            found.update(_flatten(value, name + "."))
        else:
            raise ValueError(f"{CATALOGUE.name}: {name} needs zh and en")
    return found


@cache
def catalogue() -> dict[str, Msg]:
    """Every message, by its dotted key."""
    return _flatten(yaml.safe_load(CATALOGUE.read_text(encoding="utf-8")))


def msg(key: str, **values: Any) -> Msg:
    """The message `key`, with its placeholders filled. An unknown key is a programming error: KeyError."""
    found = catalogue()[key]
    return found.format(**values) if values else found


def messages_for_js(prefix: str, lang: str) -> dict[str, str]:
    """The messages under `prefix` in one language, for a page's script (placeholders left for it to fill)."""
    return {key[len(prefix) + 1:]: text(lang) for key, text in catalogue().items() if key.startswith(prefix + ".")}


def distance_msg(metres: float) -> Msg:
    """A straight-line distance as people say it: "612 米", "2.7 公里"."""
    if metres < 1000:
        return msg("walk.metres", n=round(metres))
    return msg("walk.kilometres", n=f"{metres / 1000:.1f}")
