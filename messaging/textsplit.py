"""Cutting a long text into messages a channel accepts, at a paragraph, line or sentence end where one is near.

Each channel counts its own way: Telegram in UTF-16 units, WeChat in UTF-8 bytes; `split` takes the count of one
character.
"""

from __future__ import annotations

from collections.abc import Callable

# Where a long text is best cut, best first.
CUT_MARKS = ("\n\n", "\n", "。", "！", "？", ". ", "；", "，", " ")


def utf16_units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def utf8_bytes(char: str) -> int:
    return len(char.encode("utf-8"))


def split(text: str, limit: int, size: Callable[[str], int]) -> list[str]:
    """Pieces whose characters add up to at most `limit` (each character counted by `size`)."""
    pieces: list[str] = []
    rest = text.strip()
    while sum(size(char) for char in rest) > limit:
        window = rest[:_fitting_prefix(rest, limit, size)]
        cut = _best_cut(window)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    pieces.append(rest)
    return [piece for piece in pieces if piece]


def _fitting_prefix(text: str, limit: int, size: Callable[[str], int]) -> int:
    total = 0
    for index, char in enumerate(text):
        total += size(char)
        if total > limit:
            return max(index, 1)
    return len(text)


def _best_cut(window: str) -> int:
    for mark in CUT_MARKS:
        at = window.rfind(mark)
        if at > len(window) // 4:  # never leave a tiny piece behind
            return at + len(mark)
    return len(window)
