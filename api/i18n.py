"""The pages' side of the one bilingual text (bilingual/): `Msg` is `bilingual.Text`, and the catalogue is the
project's one catalogue (bilingual/messages/, the pages' words in pages.yaml):

    msg("finder.near_place", place="天骄社区")("en")     # "Near 天骄社区"
    {{ _("finder.near_place", place=query.at) }}   # in a template: the page's language
    {{ province | local }}                         # a domain value that carries both languages (Msg.of)

What is the pages' own: the words a page's script reads, and distances as people say them.
"""

from __future__ import annotations

from bilingual import LANGS, Lang, Text, catalogue, msg

Msg = Text  # the pages' name for the one bilingual text

__all__ = ["LANGS", "Lang", "Msg", "catalogue", "distance_msg", "messages_for_js", "msg"]


def messages_for_js(prefix: str, lang: str) -> dict[str, str]:
    """The messages under `prefix` in one language, for a page's script (placeholders left for it to fill)."""
    return {key[len(prefix) + 1:]: text(lang) for key, text in catalogue().items() if key.startswith(prefix + ".")}


def distance_msg(metres: float) -> Msg:
    """A straight-line distance as people say it: "612 米", "2.7 公里"."""
    if metres < 1000:
        return msg("walk.metres", n=round(metres))
    return msg("walk.kilometres", n=f"{metres / 1000:.1f}")
