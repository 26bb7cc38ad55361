"""The finder's map, drawn on the server as SVG: the walking circle, the centres and the parent.

It needs no map tiles, so it works offline and in WeChat's browser. The projection is a local
equirectangular one around the parent (metres east and north), exact enough across a few kilometres.

    svg = circle_map(39.6, 109.76, circle_polygon, [Pin(1, 39.601, 109.761, "小星星托育园", "/centres/X")])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import escape
from shapely.geometry import MultiPolygon, Polygon

M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_AT_EQUATOR = 111_320.0
SCALE_STEPS_M = (50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 20_000)
INCLUSIVE_FILL = "#1f7a4d"
OTHER_FILL = "#b26a00"
PARENT_FILL = "#1a5fb4"
STREET_STROKE = "#b8c2bd"
HALO = 'stroke="#ffffff" stroke-width="3" paint-order="stroke"'  # white outline: labels stay legible


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


def _path(frame: _Frame, area: Polygon | MultiPolygon, outer_only: bool = False) -> str:
    polygons = area.geoms if isinstance(area, MultiPolygon) else [area]
    parts = []
    for polygon in polygons:
        for ring in (polygon.exterior,) if outer_only else (polygon.exterior, *polygon.interiors):
            coords = [frame.pixel(y, x) for x, y in ring.coords]
            parts.append("M" + " L".join(f"{px:.1f},{py:.1f}" for px, py in coords) + " Z")
    return " ".join(parts)


def _scale_bar(frame: _Frame) -> tuple[int, float]:
    """A round length close to a quarter of the picture, and its width in pixels."""
    target = frame.size / 4 / frame.scale
    metres = min(SCALE_STEPS_M, key=lambda step: abs(step - target))
    return metres, metres * frame.scale


def _length(metres: int, lang: str) -> str:
    if metres >= 1000:
        return f"{metres // 1000} km" if lang == "en" else f"{metres // 1000} 公里"
    return f"{metres} m" if lang == "en" else f"{metres} 米"


def _streets_path(frame: _Frame, streets: Sequence[Sequence[tuple[float, float]]]) -> str:
    """Street segments ([(lat, lon), (lat, lon)] each) as one path, clipped to the picture (with a margin)."""
    parts = []
    low, high = -20.0, frame.size + 20.0
    for (lat1, lon1), (lat2, lon2) in streets:
        x1, y1 = frame.pixel(lat1, lon1)
        x2, y2 = frame.pixel(lat2, lon2)
        if max(x1, x2) < low or min(x1, x2) > high or max(y1, y2) < low or min(y1, y2) > high:
            continue
        parts.append(f"M{x1:.1f},{y1:.1f}L{x2:.1f},{y2:.1f}")
    return "".join(parts)


def circle_map(lat: float, lon: float, area: Polygon | MultiPolygon | None, pins: Sequence[Pin], *,
               minutes: int = 15, lang: str = "zh", size: int = 360,
               streets: Sequence[Sequence[tuple[float, float]]] = ()) -> str:
    """The map as an SVG element (every text escaped), ready to inline in a page.

    `streets`: segments [(lat, lon), (lat, lon)] of the loaded street network around the point, drawn under the
    circle (the same data the walks follow; no tiles)."""
    frame = _frame(lat, lon, area, pins, size)
    zh = lang != "en"
    title = (f"{minutes}分钟步行圈示意图：您的位置和附近的托育机构" if zh
             else f"Sketch map of the {minutes}-minute walking circle: you and the centres near you")
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
    drawn = _streets_path(frame, streets) if len(streets) else ""
    if drawn:
        out.append(f'<path class="streets" d="{drawn}" fill="none" stroke="{STREET_STROKE}" stroke-width="2.5" '
                   f'stroke-linecap="round"/>')
    if area is not None and not area.is_empty:
        holes = any(len(p.interiors) for p in (area.geoms if isinstance(area, MultiPolygon) else [area]))
        if holes:  # along streets: the blocks between them are holes; fill them out, dash only the outer edge
            out.append(f'<path class="walk-circle" d="{_path(frame, area)}" fill="#d5eddf" fill-opacity="0.85" '
                       f'fill-rule="evenodd" stroke="none"/>')
            out.append(f'<path class="walk-edge" d="{_path(frame, area, outer_only=True)}" fill="none" '
                       f'stroke="{INCLUSIVE_FILL}" stroke-width="2" stroke-dasharray="6 4"/>')
        else:
            out.append(f'<path class="walk-circle" d="{_path(frame, area)}" fill="#d5eddf" fill-opacity="0.85" '
                       f'stroke="{INCLUSIVE_FILL}" stroke-width="2" stroke-dasharray="6 4"/>')
        label = f"虚线内：{minutes}分钟步行圈（估算）" if zh else f"Dashed: {minutes}-min walk (estimate)"
        out.append(f'<text x="10" y="20" font-size="13" fill="{INCLUSIVE_FILL}" {HALO}>{escape(label)}</text>')
    # Centres: farthest first, so the nearest are drawn on top.
    for pin in sorted(pins, key=lambda p: -p.number):
        x, y = frame.pixel(pin.lat, pin.lon)
        fill = INCLUSIVE_FILL if pin.inclusive else OTHER_FILL
        marker = (f'<title>{escape(f"{pin.number}. {pin.title}")}</title>'
                  f'<circle cx="{x:.1f}" cy="{y:.1f}" r="12" fill="{fill}" stroke="#ffffff" stroke-width="2"/>'
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
               f'{escape("您在这里" if zh else "You")}</text></g>')
    # Scale bar (bottom left) and north (top right).
    y_bar = size - 14
    out.append(f'<g class="scale"><rect x="10" y="{y_bar - 18}" width="{step_px + 16:.1f}" height="26" rx="4" '
               f'fill="#ffffff" fill-opacity="0.8"/>'
               f'<path d="M18,{y_bar - 4} V{y_bar} H{18 + step_px:.1f} V{y_bar - 4}" fill="none" stroke="#333333" '
               f'stroke-width="2"/><text x="{18 + step_px / 2:.1f}" y="{y_bar - 6}" text-anchor="middle" '
               f'font-size="11" fill="#333333">{escape(_length(step_m, lang))}</text></g>')
    out.append(f'<g class="north"><path d="M{size - 22},12 L{size - 28},30 L{size - 22},26 L{size - 16},30 Z" '
               f'fill="#333333"/><text x="{size - 22}" y="44" text-anchor="middle" font-size="11" fill="#333333">'
               f'{escape("北" if zh else "N")}</text></g>')
    out.append("</svg>")
    return "".join(out)
