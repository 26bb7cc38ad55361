"""One bilingual text for the whole project, `Text`, and its one message catalogue.

Everything people read is in simplified Chinese first, with complete English second. `Text` carries both. Every
message the code words itself lives once, in the catalogue: the YAML files in bilingual/messages/ (one a surface:
pages.yaml for the web and admin pages and the CLI, bot.yaml for the messenger bot, content.yaml for the words
content/ puts around its data), read by one loader into one key space. A key says where a message is used
("finder.title", "bot.welcome"); {name} is a placeholder:

    msg("finder.near_place", place="天骄社区")("en")     # "Near 天骄社区"
    msg("bot.menu.find_centre")(state.language)        # a button of the bot's menu

Data files carry their own bilingual values (a leave rule's note, a coverage target's name): a `Text` field of a
pydantic model validates them as {zh, en}, both non-empty and nothing else. `Text.of` reads the domain's other
bilingual shapes in this one place, so no caller picks a language by hand; `text(lang)` is the one picker.

This package sits at the bottom with common.py: geodata/, content/, messaging/, bot/ and api/ all import it, and it
imports nothing of theirs, nor any web, bot or template library.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
MESSAGES = Path(__file__).with_name("messages")
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's where built: the catalogue loads in 40 ms


@dataclass(frozen=True, slots=True)
class Text:
    """A text in simplified Chinese and English. `text("en")` is the English; any other language the Chinese."""

    zh: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def format(self, **values: Any) -> Text:
        """Both languages with their {placeholders} filled; a value that is itself a Text is filled per language."""
        zh = {k: v.zh if isinstance(v, Text) else v for k, v in values.items()}
        en = {k: v.en if isinstance(v, Text) else v for k, v in values.items()}
        return Text(self.zh.format(**zh), self.en.format(**en))

    def both(self) -> str:
        """"中文 / English", for the JSON API and logs, where no page language applies."""
        return f"{self.zh} / {self.en}"

    def lines(self) -> str:
        """Chinese, then English on the next line: for the console."""
        return f"{self.zh}\n{self.en}"

    def __add__(self, other: Text) -> Text:
        return Text(self.zh + other.zh, self.en + other.en)

    @classmethod
    def of(cls, value: Any) -> Text:
        """The domain's bilingual shapes, read in one place: a Text; a province or the leave answer's region (name,
        name_en); a leave part (label, label_en); a map link (label_zh, label_en); an input error (message_zh,
        message_en); a (Chinese, English) pair of labels (a centre's kind, a case's status); or a plain string,
        the same in both languages (a name)."""
        if isinstance(value, Text):
            return value
        if isinstance(value, str):
            return cls(value, value)
        if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
            return cls(value[0], value[1])
        for zh, en in DOMAIN_PAIRS:
            if isinstance(value, Mapping) and zh in value and en in value:
                return cls(str(value[zh]), str(value[en]))
            if not isinstance(value, Mapping) and hasattr(value, zh) and hasattr(value, en):
                return cls(str(getattr(value, zh)), str(getattr(value, en)))
        raise TypeError(f"not a bilingual text: {value!r}")

    @classmethod
    def parse(cls, raw: object) -> Text:
        """A data file's {zh, en}, validated as a pydantic field is: pydantic.ValidationError (a ValueError)."""
        return _adapter().validate_python(raw)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """In a pydantic model: {zh, en} from a data file, or a Text, both languages non-empty and nothing else."""
        from pydantic_core import core_schema as cs

        both = cs.typed_dict_field(cs.str_schema(min_length=1))
        fields: dict[str, cs.TypedDictField] = {lang: both for lang in LANGS}
        checked = cs.no_info_before_validator_function(lambda v: {"zh": v.zh, "en": v.en} if isinstance(v, cls) else v,
                                                       cs.typed_dict_schema(fields, extra_behavior="forbid"))
        return cs.no_info_after_validator_function(lambda d: cls(d["zh"], d["en"]), checked,
                                                   serialization=cs.plain_serializer_function_ser_schema(
                                                       lambda t: {"zh": t.zh, "en": t.en}))


DOMAIN_PAIRS = (("zh", "en"), ("name", "name_en"), ("label", "label_en"), ("label_zh", "label_en"),
                ("message_zh", "message_en"))


@cache
def _adapter() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(Text)


def _flatten(tree: Mapping[str, Any], source: str, prefix: str = "") -> dict[str, Text]:
    found: dict[str, Text] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and set(value) == {"zh", "en"}:
            found[name] = Text(str(value["zh"]), str(value["en"]))
        elif isinstance(value, Mapping):
            found.update(_flatten(value, source, name + "."))
        else:
            raise ValueError(f"{source}: {name} needs zh and en")
    return found


@cache
def catalogue() -> dict[str, Text]:
    """Every message, by its dotted key: the files of bilingual/messages/ in one key space (a key in two files is
    an error)."""
    found: dict[str, Text] = {}
    for path in sorted(MESSAGES.glob("*.yaml")):
        for key, text in _flatten(yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER), path.name).items():
            if key in found:
                raise ValueError(f"{path.name}: {key} is already in another file of {MESSAGES.name}/")
            found[key] = text
    return found


def msg(key: str, **values: Any) -> Text:
    """The message `key`, with its placeholders filled. An unknown key is a programming error: KeyError."""
    found = catalogue()[key]
    return found.format(**values) if values else found
