"""The one catalogue (bilingual/messages/) stays whole: both languages in every message, the same placeholders in
each, English without Chinese (but for named glosses), and every key used somewhere in the code, the templates or the
pages' scripts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, ValidationError

from bilingual import MESSAGES, PLACEHOLDER, Text, catalogue, msg

ROOT = Path(__file__).parents[1]
PACKAGES = ("bilingual", "geodata", "content", "bot", "messaging", "api")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")

# Keys whose one language says nothing because the other says it elsewhere (word order): "…；《X》引用" reads
# "…; cited in 《X》" in English, where the words come before the citation.
ONE_SIDED = {"leave.cited_by", "case_page.text"}
# English that holds Chinese on purpose: the name of the language on the switch, and the bot's replies, which gloss
# the Chinese term a parent will meet ("inclusive (普惠)") or name places to type (a chat has no lang="zh-CN" markup).
CHINESE_IN_ENGLISH = {"base.other_language", "bot.command.language", "bot.fact.inclusive",
                      "bot.check.how_to_verify", "bot.leave.caesarean", "bot.subsidy.ask_region",
                      "bot.leave.region"}  # "内蒙古：…": the bot's answers have always kept the full-width colon


def sources(*suffixes: str) -> str:
    files = [p for d in PACKAGES for p in sorted((ROOT / d).rglob("*")) if p.suffix in suffixes]
    if ".py" in suffixes:
        files.append(ROOT / "common.py")
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def test_the_catalogue_is_one_key_space_over_its_files() -> None:
    tops = {p.name: set(yaml.safe_load(p.read_text(encoding="utf-8"))) for p in MESSAGES.glob("*.yaml")}
    assert tops["bot.yaml"] == {"bot"} and tops["content.yaml"] == {"content"}  # their words under bot.*, content.*
    assert not {"bot", "content"} & tops["pages.yaml"]
    assert set().union(*tops.values()) == {key.split(".")[0] for key in catalogue()}


def test_every_message_has_both_languages_and_the_same_placeholders() -> None:
    problems = {}
    for key, text in catalogue().items():
        if not (text.zh.strip() and (text.en.strip() or key in ONE_SIDED)):
            problems[key] = "a language is empty"
        elif set(PLACEHOLDER.findall(text.zh)) != set(PLACEHOLDER.findall(text.en)):
            problems[key] = "the placeholders differ"
        elif key not in CHINESE_IN_ENGLISH and CJK.search(text.en):
            problems[key] = f"Chinese in the English: {text.en}"
    assert problems == {}


def test_the_exceptions_are_still_needed() -> None:
    assert {k for k in ONE_SIDED if not (catalogue()[k].zh.strip() and catalogue()[k].en.strip())} == ONE_SIDED
    assert {k for k in CHINESE_IN_ENGLISH if CJK.search(catalogue()[k].en)} == CHINESE_IN_ENGLISH


def used_keys(keys: set[str]) -> set[str]:
    """The keys the code names: quoted whole ("bot.welcome", in msg(…), _(…) or a conditional), or under a prefix it
    completes at run time (f"kind.{…}", "kind." ~ c.kind); a page script's words (admin.js.*) by their own name
    ("error_status") or a prefix (`role_${…}`, "action_" + …)."""
    code = sources(".py", ".html")
    scripts = sources(".js")
    named = set(re.findall(r"""["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""", code))
    prefixes = tuple(set(re.findall(r"""\bf["']([a-z0-9_]+\.[a-z0-9_.]*)\{""", code))
                     | set(re.findall(r"""["']([a-z0-9_]+\.[a-z0-9_.]*)["']\s*~""", code)))
    script_prefixes = tuple(re.findall(r"""messages_for_js\(\s*["']([a-z0-9_.]+)["']""", code))
    script_named = set(re.findall(r"""["'`]([a-z0-9_]+)["'`]""", scripts))
    script_dynamic = tuple(set(re.findall(r"""["'`]([a-z0-9_]+)["'`]\s*\+""", scripts))
                           | set(re.findall(r"""`([a-z0-9_]+)\$\{""", scripts)))
    found = set()
    for key in keys:
        if key in named or key.startswith(prefixes):
            found.add(key)
        for prefix in script_prefixes:
            name = key.removeprefix(prefix + ".")
            if name != key and (name in script_named or name.startswith(script_dynamic)):
                found.add(key)
    return found


def test_every_key_is_used() -> None:
    keys = set(catalogue())
    assert sorted(keys - used_keys(keys)) == []


def test_every_key_the_code_names_is_in_the_catalogue() -> None:
    code = sources(".py", ".html")
    named = set(re.findall(r"""(?<![\w.])(?:_|msg)\(\s*["']([a-z0-9_.-]+)["'](?!\s*~)""", code))
    assert named - set(catalogue()) == set()


def test_a_message_fills_its_placeholders_per_language() -> None:
    walked = msg("bot.walk.minutes", minutes=9, how=msg("bot.walk.estimate"), metres="612")
    assert walked("zh") == "约9分钟步行（估算），直线 612 米"
    assert walked("en") == "about 9 min on foot (estimate), 612 m in a straight line"
    assert walked("fr") == walked("zh")  # any language but English gets the Chinese


def test_a_data_file_s_text_is_validated_like_any_pydantic_field() -> None:
    class Note(BaseModel):
        note: Text
        caveat: Text | None = None

    assert Note.model_validate({"note": {"zh": "中", "en": "en"}}).note == Text("中", "en")
    assert Note(note=Text("中", "en")).model_dump() == {"note": {"zh": "中", "en": "en"}, "caveat": None}
    for bad in ({"zh": "中"}, {"zh": "", "en": "en"}, {"zh": "中", "en": "en", "fr": "fr"}, "中"):
        with pytest.raises(ValidationError):
            Note.model_validate({"note": bad})
    assert Text.parse({"zh": "中", "en": "en"}) == Text("中", "en")
