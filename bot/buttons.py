"""The data a button carries, typed: each kind encodes to a short string (≤ 64 bytes, Telegram's limit) and
decodes back, so that flows never split strings by hand.

    encode(More(39.60321, 109.76151, 5, inclusive=True))  # 'more:39.60321,109.76151,5,i'
    decode('centre:SAMPLE-150627-001')                     # Centre('SAMPLE-150627-001')
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64


@dataclass(frozen=True)
class Menu:
    intent: str  # a flow to start, from the menu


@dataclass(frozen=True)
class Pick:
    intent: str  # the intent picked when the engine asked which of two was meant


@dataclass(frozen=True)
class Language:
    code: str  # "zh" or "en"


@dataclass(frozen=True)
class More:
    """The next page of centres around a point (`inclusive` False: widened to every centre, from the start)."""

    lat: float
    lon: float
    offset: int
    inclusive: bool


@dataclass(frozen=True)
class At:
    lat: float  # a place picked from an ambiguous name
    lon: float


@dataclass(frozen=True)
class Centre:
    centre_id: str


@dataclass(frozen=True)
class Guide:
    slug: str


@dataclass(frozen=True)
class Province:
    code: str


@dataclass(frozen=True)
class Consent:
    given: bool


@dataclass(frozen=True)
class Policies:
    region_code: str  # every subsidy item of the region, those for centres and carers too


ButtonData = Menu | Pick | Language | More | At | Centre | Guide | Province | Consent | Policies


def encode(data: ButtonData) -> str:
    match data:
        case Menu(intent):
            text = f"menu:{intent}"
        case Pick(intent):
            text = f"pick:{intent}"
        case Language(code):
            text = f"lang:{code}"
        case More(lat, lon, offset, inclusive):
            kind, flag = ("more" if inclusive or offset else "all"), ("i" if inclusive else "a")
            text = f"{kind}:{lat:.5f},{lon:.5f},{offset},{flag}"
        case At(lat, lon):
            text = f"at:{lat:.5f},{lon:.5f}"
        case Centre(centre_id):
            text = f"centre:{centre_id}"
        case Guide(slug):
            text = f"guide:{slug}"
        case Province(code):
            text = f"province:{code}"
        case Consent(given):
            text = "subyes:" if given else "subno:"
        case Policies(region_code):
            text = f"policies:{region_code}"
    if len(text.encode()) > MAX_BYTES:
        raise ValueError(f"button data over {MAX_BYTES} bytes: {text!r}")
    return text


def decode(text: str) -> ButtonData | None:
    """The button's data, or None when it is not ours (an old or forged callback)."""
    kind, _, rest = text.partition(":")
    try:
        if kind in {"more", "all"}:
            lat, lon, offset, flags = rest.split(",")
            return More(float(lat), float(lon), max(0, int(offset)), kind == "more" and flags == "i")
        if kind == "at":
            lat, lon = rest.split(",")
            return At(float(lat), float(lon))
    except ValueError:
        return None
    simple: dict[str, type[Menu | Pick | Language | Centre | Guide | Province | Policies]] = {
        "menu": Menu, "pick": Pick, "lang": Language, "centre": Centre, "guide": Guide, "province": Province,
        "policies": Policies}
    if kind in simple and rest:
        return simple[kind](rest)
    if kind in {"subyes", "subno"}:
        return Consent(kind == "subyes")
    return None
