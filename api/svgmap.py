"""The finder's map, drawn on the server as SVG: the walking circle, the centres and the parent.

It needs no map tiles, so it works offline and in WeChat's browser. The projection is a local
equirectangular one around the parent (metres east and north), exact enough across a few kilometres.
Pins that would overlap each other, or the "you are here" marker, are moved apart, each with a thin line to
its true spot; and the map says how far the circle reaches (about 900 m with the defaults).

    svg = circle_map(39.6, 109.76, circle_polygon, [Pin(1, 39.601, 109.761, "小星星托育园", "/centres/X")])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import escape
from shapely.geometry import MultiPolygon, Polygon

from api.i18n import msg

M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_AT_EQUATOR = 111_320.0
SCALE_STEPS_M = (50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 20_000)
INCLUSIVE_FILL = "#1f7a4d"
OTHER_FILL = "#b26a00"
PARENT_FILL = "#1a5fb4"
HALO = 'stroke="#ffffff" stroke-width="3" paint-order="stroke"'  # white outline: labels stay legible
PIN_R = 12.0  # a pin's radius, in pixels
YOU_R = 11.0  # the parent's marker
GAP = 2.0  # pixels kept free between two markers


@dataclass(frozen=True)
class Pin:
    """A centre on the map: its number in the list, position (WGS-84), name, and page."""

    number: int
    lat: float
    lon: float
    title: str
    href: str | None = None
    inclusive: bool = False


@dataclass(frozen=True)
class _Frame:
    """Metres around the origin → pixels in a size × size picture."""

    lat0: float
    lon0: float
    cx: float  # centre of the view, in metres east/north of the origin
    cy: float
    scale: float  # pixels per metre
    size: int

    def metres(self, lat: float, lon: float) -> tuple[float, float]:
        east = (lon - self.lon0) * M_PER_DEG_LON_AT_EQUATOR * math.cos(math.radians(self.lat0))
        north = (lat - self.lat0) * M_PER_DEG_LAT
        return east, north

    def pixel(self, lat: float, lon: float) -> tuple[float, float]:
        east, north = self.metres(lat, lon)
        return (self.size / 2 + (east - self.cx) * self.scale, self.size / 2 - (north - self.cy) * self.scale)


def _frame(lat: float, lon: float, area: Polygon | MultiPolygon | None, pins: Sequence[Pin], size: int) -> _Frame:
    probe = _Frame(lat, lon, 0.0, 0.0, 1.0, size)
    points = [(0.0, 0.0)] + [probe.metres(p.lat, p.lon) for p in pins]
    if area is not None and not area.is_empty:
        west, south, east, north = area.bounds  # lon/lat
        points += [probe.metres(south, west), probe.metres(north, east)]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 200.0) * 1.18  # a margin for labels and markers
    return _Frame(lat, lon, (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2, size / span, size)


def _path(frame: _Frame, area: Polygon | MultiPolygon) -> str:
    polygons = area.geoms if isinstance(area, MultiPolygon) else [area]
    parts = []
    for polygon in polygons:
        for ring in (polygon.exterior, *polygon.interiors):
            coords = [frame.pixel(y, x) for x, y in ring.coords]
            parts.append("M" + " L".join(f"{px:.1f},{py:.1f}" for px, py in coords) + " Z")
    return " ".join(parts)


def _scale_bar(frame: _Frame) -> tuple[int, float]:
    """A round length close to a quarter of the picture, and its width in pixels."""
    target = frame.size / 4 / frame.scale
    metres = min(SCALE_STEPS_M, key=lambda step: abs(step - target))
    return metres, metres * frame.scale


def _length(metres: float, lang: str) -> str:
    if metres >= 1000:
        return msg("walk.kilometres", n=f"{metres / 1000:g}")(lang)
    return msg("walk.metres", n=f"{metres:g}")(lang)


def reach_m(frame: _Frame, area: Polygon | MultiPolygon) -> float:
    """How far the circle reaches from the parent, in a straight line, rounded to 50 m (900 m at the defaults)."""
    polygons = area.geoms if isinstance(area, MultiPolygon) else [area]
    farthest = max(math.hypot(*frame.metres(y, x)) for polygon in polygons for x, y in polygon.exterior.coords)
    return max(50.0, round(farthest / 50) * 50)


def place_pins(frame: _Frame, pins: Sequence[Pin], you: tuple[float, float]) -> dict[int, tuple[float, float]]:
    """Where each pin is drawn: at its spot, or, where it would cover the parent's marker (and its label) or a
    nearer pin, moved out on a ring around its spot to the first free place inside the picture."""
    ox, oy = you
    taken = [(ox, oy, YOU_R), (ox, oy + 21, 14.0)]  # the marker, and "您在这里" under it
    placed: dict[int, tuple[float, float]] = {}
    margin = PIN_R + 2

    def free(x: float, y: float) -> bool:
        inside = margin <= x <= frame.size - margin and margin <= y <= frame.size - margin
        return inside and all(math.hypot(x - tx, y - ty) >= PIN_R + r + GAP for tx, ty, r in taken)

    for pin in sorted(pins, key=lambda p: p.number):  # the nearest keep their spot first
        x, y = frame.pixel(pin.lat, pin.lon)
        ring = [(x + r * math.cos(math.radians(a)), y + r * math.sin(math.radians(a)))
                for r in (PIN_R * 2 + GAP, PIN_R * 3 + GAP, PIN_R * 4 + GAP, PIN_R * 6, PIN_R * 8)
                for a in range(-90, 270, 30)]
        spot = next((p for p in [(x, y), *ring] if free(*p)), (x, y))
        placed[pin.number] = spot
        taken.append((spot[0], spot[1], PIN_R))
    return placed


def circle_map(lat: float, lon: float, area: Polygon | MultiPolygon | None, pins: Sequence[Pin], *,
               minutes: int = 15, lang: str = "zh", size: int = 360) -> str:
    """The map as an SVG element (every text escaped), ready to inline in a page."""
    frame = _frame(lat, lon, area, pins, size)
    title = msg("map.title", minutes=minutes)(lang)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="circle-map" viewBox="0 0 {size} {size}" '
        f'width="{size}" height="{size}" role="img" aria-labelledby="map-title" font-family="sans-serif">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<rect width="{size}" height="{size}" fill="#f3f6f4"/>',
    ]
    # A faint grid at the scale bar's spacing, so distances can be read by eye.
    step_m, step_px = _scale_bar(frame)
    ox, oy = frame.pixel(lat, lon)
    for k in range(-20, 21):
        x, y = ox + k * step_px, oy + k * step_px
        if 0 <= x <= size:
            out.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{size}" stroke="#e2e8e4" stroke-width="1"/>')
        if 0 <= y <= size:
            out.append(f'<line x1="0" y1="{y:.1f}" x2="{size}" y2="{y:.1f}" stroke="#e2e8e4" stroke-width="1"/>')
    if area is not None and not area.is_empty:
        out.append(f'<path class="walk-circle" d="{_path(frame, area)}" fill="#d5eddf" fill-opacity="0.85" '
                   f'stroke="{INCLUSIVE_FILL}" stroke-width="2" stroke-dasharray="6 4"/>')
        reach = _length(reach_m(frame, area), lang)
        label = msg("map.circle", minutes=minutes, reach=reach)(lang)
        out.append(f'<text class="reach" x="10" y="20" font-size="13" fill="{INCLUSIVE_FILL}" {HALO}>'
                   f'{escape(label)}</text>')
    # Centres: farthest first, so the nearest are drawn on top; a moved pin keeps a line to its true spot.
    spots = place_pins(frame, pins, (ox, oy))
    for pin in sorted(pins, key=lambda p: -p.number):
        tx, ty = frame.pixel(pin.lat, pin.lon)
        x, y = spots[pin.number]
        fill = INCLUSIVE_FILL if pin.inclusive else OTHER_FILL
        leader = ""
        if (x, y) != (tx, ty):
            leader = (f'<line class="leader" x1="{tx:.1f}" y1="{ty:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{fill}" '
                      f'stroke-width="1.5"/><circle cx="{tx:.1f}" cy="{ty:.1f}" r="3" fill="{fill}"/>')
        marker = (f'<title>{escape(f"{pin.number}. {pin.title}")}</title>{leader}'
                  f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{PIN_R:g}" fill="{fill}" stroke="#ffffff" stroke-width="2"/>'
                  f'<text x="{x:.1f}" y="{y + 4.5:.1f}" text-anchor="middle" font-size="13" font-weight="bold" '
                  f'fill="#ffffff">{pin.number}</text>')
        if pin.href:
            out.append(f'<a class="pin" href="{escape(pin.href)}">{marker}</a>')
        else:
            out.append(f'<g class="pin">{marker}</g>')
    # The parent, on top: a blue dot in a white ring.
    out.append(f'<g class="you"><circle cx="{ox:.1f}" cy="{oy:.1f}" r="11" fill="#ffffff" fill-opacity="0.9"/>'
               f'<circle cx="{ox:.1f}" cy="{oy:.1f}" r="7" fill="{PARENT_FILL}"/>'
               f'<text x="{ox:.1f}" y="{oy + 25:.1f}" text-anchor="middle" font-size="12" fill="{PARENT_FILL}" {HALO}>'
               f'{escape(msg("map.you")(lang))}</text></g>')
    # Scale bar (bottom left) and north (top right).
    y_bar = size - 14
    out.append(f'<g class="scale"><rect x="10" y="{y_bar - 18}" width="{step_px + 16:.1f}" height="26" rx="4" '
               f'fill="#ffffff" fill-opacity="0.8"/>'
               f'<path d="M18,{y_bar - 4} V{y_bar} H{18 + step_px:.1f} V{y_bar - 4}" fill="none" stroke="#333333" '
               f'stroke-width="2"/><text x="{18 + step_px / 2:.1f}" y="{y_bar - 6}" text-anchor="middle" '
               f'font-size="11" fill="#333333">{escape(_length(step_m, lang))}</text></g>')
    out.append(f'<g class="north"><path d="M{size - 22},12 L{size - 28},30 L{size - 22},26 L{size - 16},30 Z" '
               f'fill="#333333"/><text x="{size - 22}" y="44" text-anchor="middle" font-size="11" fill="#333333">'
               f'{escape(msg("map.north")(lang))}</text></g>')
    out.append("</svg>")
    return "".join(out)
