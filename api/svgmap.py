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
from geodata.coverage import Coverage

M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_AT_EQUATOR = 111_320.0
SCALE_STEPS_M = (50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 20_000)
INCLUSIVE_FILL = "#1f7a4d"
OTHER_FILL = "#b26a00"
PARENT_FILL = "#1a5fb4"
STREET_STROKE = "#b8c2bd"
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
    points = [(lat, lon)] + [(p.lat, p.lon) for p in pins]
    if area is not None and not area.is_empty:
        west, south, east, north = area.bounds  # lon/lat
        points += [(south, west), (north, east)]
    return _fit(lat, lon, points, size)


def _fit(lat0: float, lon0: float, points: Sequence[tuple[float, float]], size: int, min_span_m: float = 200.0,
         margin: float = 1.18) -> _Frame:
    """A frame around (lat0, lon0) that shows every (lat, lon) point, with a margin for labels and markers."""
    probe = _Frame(lat0, lon0, 0.0, 0.0, 1.0, size)
    metres = [probe.metres(lat, lon) for lat, lon in points] or [(0.0, 0.0)]
    xs, ys = [p[0] for p in metres], [p[1] for p in metres]
    span = max(max(xs) - min(xs), max(ys) - min(ys), min_span_m) * margin
    return _Frame(lat0, lon0, (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2, size / span, size)


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
    title = msg("map.title", minutes=minutes)(lang)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="circle-map" viewBox="0 0 {size} {size}" '
        f'width="{size}" height="{size}" role="img" aria-labelledby="map-title" font-family="sans-serif">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<rect width="{size}" height="{size}" fill="#f3f6f4"/>',
    ]
    out += _grid(frame, lat, lon)
    ox, oy = frame.pixel(lat, lon)
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
    out += _scale_and_north(frame, lang, size - 14)
    out.append("</svg>")
    return "".join(out)


def _grid(frame: _Frame, lat: float, lon: float, height: int | None = None) -> list[str]:
    """A faint grid at the scale bar's spacing through (lat, lon), so distances can be read by eye."""
    width, height = frame.size, height or frame.size
    step_px = _scale_bar(frame)[1]
    ox, oy = frame.pixel(lat, lon)
    lines = []
    for k in range(-40, 41):
        x, y = ox + k * step_px, oy + k * step_px
        if 0 <= x <= width:
            lines.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="#e2e8e4" stroke-width="1"/>')
        if 0 <= y <= height:
            lines.append(f'<line x1="0" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" stroke="#e2e8e4" stroke-width="1"/>')
    return lines


def _scale_and_north(frame: _Frame, lang: str, y_bar: float) -> list[str]:
    """Scale bar (bottom left, its baseline at y_bar) and north arrow (top right)."""
    size = frame.size
    step_m, step_px = _scale_bar(frame)
    return [
        f'<g class="scale"><rect x="10" y="{y_bar - 18}" width="{step_px + 16:.1f}" height="26" rx="4" '
        f'fill="#ffffff" fill-opacity="0.8"/>'
        f'<path d="M18,{y_bar - 4} V{y_bar} H{18 + step_px:.1f} V{y_bar - 4}" fill="none" stroke="#333333" '
        f'stroke-width="2"/><text x="{18 + step_px / 2:.1f}" y="{y_bar - 6}" text-anchor="middle" '
        f'font-size="11" fill="#333333">{escape(_length(step_m, lang))}</text></g>',
        f'<g class="north"><path d="M{size - 22},12 L{size - 28},30 L{size - 22},26 L{size - 16},30 Z" '
        f'fill="#333333"/><text x="{size - 22}" y="44" text-anchor="middle" font-size="11" fill="#333333">'
        f'{escape(msg("map.north")(lang))}</text></g>',
    ]


# --- the coverage map of a region (staff page /admin/coverage) ------------------------------------------------

COVERED_FILL = "#2e8b57"
UNCOVERED_FILL = "#c62828"
SITE_FILL = "#1a5fb4"
# Up to this many areas each get a dot; more are drawn as a grid of cells coloured by the share of people covered.
MAX_DOTS = 3000
GRID_CELLS = 48  # cells across the map when areas are gridded
LEGEND_HEIGHT = 64
# Centres by kind: a shape each, so kinds are told apart without colour (colour tells inclusive from not).
KIND_SHAPES = {"centre": "circle", "kindergarten_class": "square", "home": "triangle", "community": "diamond",
               "workplace": "pentagon"}


def coverage_map(result: Coverage, *, lang: str = "zh", size: int = 720) -> str:
    """The region's areas (covered or not), its centres by kind and inclusiveness, and the suggested sites.

    Needs no tiles, like the finder's map. With more than MAX_DOTS areas the areas become a grid of cells
    coloured by the share of their people covered, so a province stays readable."""
    areas = result.areas
    centres = {c.id: c for c in [*result.providers, *result.centres]}
    points = [(a.lat, a.lon) for a in areas] + [(s.lat, s.lon) for s in result.suggestions]
    if not points:
        points = [(c.lat, c.lon) for c in centres.values()]
    lat0 = (min(p[0] for p in points) + max(p[0] for p in points)) / 2 if points else 35.0
    lon0 = (min(p[1] for p in points) + max(p[1] for p in points)) / 2 if points else 105.0
    frame = _fit(lat0, lon0, points, size, min_span_m=1000.0, margin=1.12)
    height = size + LEGEND_HEIGHT
    title = msg("coverage_map.title", division=result.division.name, minutes=_minutes(result.minutes))(lang)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="coverage-map" viewBox="0 0 {size} {height}" '
        f'width="{size}" height="{height}" role="img" aria-labelledby="coverage-map-title" font-family="sans-serif" '
        f'data-areas="{len(areas)}" data-mode="{"dots" if len(areas) <= MAX_DOTS else "grid"}">',
        f'<title id="coverage-map-title">{escape(title)}</title>',
        f'<rect width="{size}" height="{size}" fill="#f3f6f4"/>',
        *_grid(frame, lat0, lon0),
    ]
    if len(areas) <= MAX_DOTS:
        out += _area_dots(frame, result, lang)
    else:
        out += _area_cells(frame, result, lang)
    out.append('<g class="centres">')
    visible = [c for c in centres.values() if 0 <= frame.pixel(c.lat, c.lon)[0] <= size
               and 0 <= frame.pixel(c.lat, c.lon)[1] <= size]
    radius = 5.0 if len(visible) <= 400 else 3.0
    for centre in sorted(visible, key=lambda c: c.id):
        x, y = frame.pixel(centre.lat, centre.lon)
        fill = INCLUSIVE_FILL if centre.inclusive else OTHER_FILL
        places = centre.capacity or 0
        paint = f'fill="{fill}"' if places else f'fill="#ffffff" stroke="{fill}" stroke-width="1.5"'
        label = msg("coverage_map.centre", name=centre.name, kind=msg(f"kind.{centre.kind.value}"),
                    inclusive=msg("common.inclusive" if centre.inclusive else "common.not_inclusive"),
                    places=places)(lang)
        out.append(f'<g class="centre" data-kind="{centre.kind.value}" '
                   f'data-inclusive="{str(centre.inclusive).lower()}"><title>{escape(label)}</title>'
                   f'{_shape(KIND_SHAPES[centre.kind.value], x, y, radius, paint)}</g>')
    out.append("</g>")
    reach_px = _reach_px(result, frame)
    for number, site in enumerate(result.suggestions, start=1):
        x, y = frame.pixel(site.lat, site.lon)
        label = msg("coverage_map.site", number=number, near=site.near.name, people=site.adds_population,
                    areas=site.adds_areas)(lang)
        ring = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{reach_px:.1f}" fill="none" stroke="{SITE_FILL}" '
                f'stroke-width="1.5" stroke-dasharray="5 4"/>' if reach_px >= 4 else "")
        out.append(f'<g class="site" data-number="{number}"><title>{escape(label)}</title>{ring}'
                   f'<circle cx="{x:.1f}" cy="{y:.1f}" r="10" fill="{SITE_FILL}" stroke="#ffffff" stroke-width="2"/>'
                   f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="11" font-weight="bold" '
                   f'fill="#ffffff">{number}</text></g>')
    out += _scale_and_north(frame, lang, size - 14)
    out += _legend(size, lang, gridded=len(areas) > MAX_DOTS)
    out.append("</svg>")
    return "".join(out)


def _minutes(value: float) -> str:
    return f"{value:g}"


def _area_radius(population: int) -> float:
    return min(8.0, max(2.5, math.sqrt(max(population, 0)) / 25))


def _area_dots(frame: _Frame, result: Coverage, lang: str) -> list[str]:
    """A dot per area, its size by population; uncovered ones drawn last, on top, so gaps are never hidden."""
    covered = result.covered.tolist()
    order = sorted(range(len(result.areas)), key=lambda i: (not covered[i], -result.areas[i].population))
    dots = ['<g class="areas">']
    for i in order:
        a = result.areas[i]
        x, y = frame.pixel(a.lat, a.lon)
        state = msg("coverage_map.covered" if covered[i] else "coverage_map.not_covered")
        label = msg("coverage_map.area", name=a.name, people=a.population, state=state)(lang)
        fill = COVERED_FILL if covered[i] else UNCOVERED_FILL
        dots.append(f'<circle class="area {"covered" if covered[i] else "uncovered"}" cx="{x:.1f}" cy="{y:.1f}" '
                    f'r="{_area_radius(a.population):.1f}" fill="{fill}" fill-opacity="0.75" stroke="#ffffff" '
                    f'stroke-width="0.8"><title>{escape(label)}</title></circle>')
    dots.append("</g>")
    return dots


def _area_cells(frame: _Frame, result: Coverage, lang: str) -> list[str]:
    """Areas gathered into square cells, each coloured from red (no one covered) to green (everyone)."""
    cell = frame.size / GRID_CELLS
    people: dict[tuple[int, int], list[int]] = {}
    for a, covered in zip(result.areas, result.covered.tolist(), strict=True):
        x, y = frame.pixel(a.lat, a.lon)
        key = (int(x // cell), int(y // cell))
        entry = people.setdefault(key, [0, 0, 0])
        entry[0] += a.population
        entry[1] += a.population if covered else 0
        entry[2] += 1
    out = ['<g class="areas gridded">']
    for (col, row), (total, covered_people, count) in sorted(people.items()):
        share = covered_people / total if total else 0.0
        label = msg("coverage_map.cell", count=count, people=total, share=f"{share * 100:.0f}")(lang)
        out.append(f'<rect class="cell" x="{col * cell:.1f}" y="{row * cell:.1f}" width="{cell:.1f}" '
                   f'height="{cell:.1f}" fill="{_blend(share)}" fill-opacity="0.8">'
                   f'<title>{escape(label)}</title></rect>')
    out.append("</g>")
    return out


def _blend(share: float) -> str:
    """Red at 0, green at 1."""
    (r1, g1, b1), (r2, g2, b2) = (0xC6, 0x28, 0x28), (0x2E, 0x8B, 0x57)
    mix = [round(a + (b - a) * share) for a, b in ((r1, r2), (g1, g2), (b1, b2))]
    return "#" + "".join(f"{v:02x}" for v in mix)


def _reach_px(result: Coverage, frame: _Frame) -> float:
    """The straight-line radius of the walk, in pixels (the model's circle; along streets, its outer bound)."""
    return result.reach_m * frame.scale


def _shape(kind: str, x: float, y: float, r: float, paint: str) -> str:
    if kind == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" {paint}/>'
    if kind in ("triangle", "diamond", "pentagon"):
        corners = {"triangle": 3, "diamond": 4, "pentagon": 5}[kind]
        r = r * 1.25
        points = " ".join(f"{x + r * math.sin(2 * math.pi * k / corners):.1f},"
                          f"{y - r * math.cos(2 * math.pi * k / corners):.1f}" for k in range(corners))
        return f'<polygon points="{points}" {paint}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {paint}/>'


def _legend(size: int, lang: str, gridded: bool) -> list[str]:
    zh = lang != "en"  # Chinese labels are wider per character
    y = size + 8
    items: list[str] = [f'<g class="legend" font-size="12" fill="#333333"><rect x="0" y="{size}" width="{size}" '
                        f'height="{LEGEND_HEIGHT}" fill="#ffffff"/>']
    areas = ("covered_area", "gap") if not gridded else ("cell_all", "cell_none")
    x = 10.0
    for key, fill in zip(areas, (COVERED_FILL, UNCOVERED_FILL), strict=True):
        items.append(f'<circle cx="{x + 6:.1f}" cy="{y + 8}" r="6" fill="{fill}" fill-opacity="0.75"/>'
                     f'<text x="{x + 16:.1f}" y="{y + 12}">{escape(msg(f"coverage_map.legend.{key}")(lang))}</text>')
        x += 150
    site = msg("coverage_map.legend.site")(lang)
    items.append(f'<circle cx="{x + 6:.1f}" cy="{y + 8}" r="9" fill="{SITE_FILL}"/>'
                 f'<text x="{x + 6:.1f}" y="{y + 12}" text-anchor="middle" font-size="10" fill="#ffffff">1</text>'
                 f'<text x="{x + 20:.1f}" y="{y + 12}">{escape(site)}</text>')
    y += 26
    x = 10.0
    for fill, key in ((INCLUSIVE_FILL, "common.inclusive"), (OTHER_FILL, "common.not_inclusive")):
        items.append(f'<circle cx="{x + 5:.1f}" cy="{y + 8}" r="5" fill="{fill}"/>'
                     f'<text x="{x + 14:.1f}" y="{y + 12}">{escape(msg(key)(lang))}</text>')
        x += 80 if zh else 110
    for kind, shape in KIND_SHAPES.items():
        label = msg(f"kind.{kind}")(lang)
        items.append(_shape(shape, x + 5, y + 8, 5, 'fill="#555555"')
                     + f'<text x="{x + 14:.1f}" y="{y + 12}">{escape(label)}</text>')
        x += 16 + 13 * len(label) if zh else 20 + 6.5 * len(label)
    items.append("</g>")
    return items
