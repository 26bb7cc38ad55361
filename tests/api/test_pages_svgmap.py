"""The server-drawn SVG map: valid, escaped, and with everything where it belongs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from api.svgmap import Pin, circle_map
from geodata.index import geodesic_circle

SVG = "{http://www.w3.org/2000/svg}"
LAT, LON = 39.6, 109.76


def draw(pins: list[Pin], **options: object) -> ET.Element:
    area = geodesic_circle(LAT, LON, 900)
    return ET.fromstring(circle_map(LAT, LON, area, pins, **options))  # type: ignore[arg-type]


def centre_of(element: ET.Element) -> tuple[float, float]:
    circle = element.find(f".//{SVG}circle")
    assert circle is not None
    return float(circle.get("cx", "nan")), float(circle.get("cy", "nan"))


def test_the_parent_is_in_the_middle_and_pins_lie_in_their_direction() -> None:
    north_east = Pin(1, LAT + 0.004, LON + 0.004, "东北", "/centres/NE", inclusive=True)
    south_west = Pin(2, LAT - 0.004, LON - 0.004, "西南", None)
    svg = draw([north_east, south_west])
    size = float(svg.get("width", "0"))
    you = svg.find(f"{SVG}g[@class='you']")
    assert you is not None
    x0, y0 = centre_of(you)
    assert abs(x0 - size / 2) < 1 and abs(y0 - size / 2) < 1
    linked = svg.find(f"{SVG}a[@class='pin']")
    plain = svg.find(f"{SVG}g[@class='pin']")
    assert linked is not None and plain is not None and linked.get("href") == "/centres/NE"
    (x1, y1), (x2, y2) = centre_of(linked), centre_of(plain)
    assert x1 > x0 > x2 and y1 < y0 < y2  # north is up, east is right


def test_every_pin_is_inside_the_picture_even_beyond_the_circle() -> None:
    far = Pin(1, LAT + 0.05, LON, "五公里外", None)  # about 5.5 km north, far outside the 900 m circle
    svg = draw([far])
    size = float(svg.get("width", "0"))
    x, y = centre_of(svg.find(f"{SVG}g[@class='pin']"))  # type: ignore[arg-type]
    assert 0 < x < size and 0 < y < size


def test_text_is_escaped_and_labels_follow_the_language() -> None:
    svg = draw([Pin(1, LAT, LON + 0.002, "<script>&\"", "/centres/a?b=1&c=2")], lang="en")
    title = svg.find(f".//{SVG}a/{SVG}title")
    assert title is not None and title.text == '1. <script>&"'
    assert svg.find(f"{SVG}a").get("href") == "/centres/a?b=1&c=2"  # type: ignore[union-attr]
    texts = "".join(t.text or "" for t in svg.iter(f"{SVG}text"))
    assert "You" in texts and "min walk (estimate)" in texts
    chinese = "".join(t.text or "" for t in draw([]).iter(f"{SVG}text"))
    assert "您在这里" in chinese and "15分钟步行圈（估算）" in chinese


def test_the_scale_bar_is_a_round_length() -> None:
    texts = [t.text for t in draw([]).iter(f"{SVG}text")]
    assert any(t in texts for t in ("200 米", "250 米", "500 米", "1 公里"))


def marker_of(element: ET.Element) -> tuple[float, float]:
    """A pin's drawn marker (r=12), not the dot at its true spot."""
    circle = next(c for c in element.iter(f"{SVG}circle") if c.get("r") == "12")
    return float(circle.get("cx", "nan")), float(circle.get("cy", "nan"))


def test_a_pin_on_the_parent_s_spot_is_moved_out_from_under_you_are_here() -> None:
    svg = draw([Pin(1, LAT + 0.00005, LON, "楼下的托育园", "/centres/1")])  # 5 m away: under the marker
    you = svg.find(f"{SVG}g[@class='you']")
    assert you is not None
    x0, y0 = centre_of(you)
    pin = svg.find(f"{SVG}a[@class='pin']")
    assert pin is not None
    x, y = marker_of(pin)
    assert ((x - x0) ** 2 + (y - y0) ** 2) ** 0.5 >= 12 + 11  # not hidden under the marker
    leader = pin.find(f"{SVG}line[@class='leader']")
    assert leader is not None  # a line back to where it really is
    assert abs(float(leader.get("x1", "0")) - x0) < 1 and abs(float(leader.get("y1", "0")) - y0) < 2


def test_overlapping_pins_are_spread_so_that_every_number_shows() -> None:
    same_spot = [Pin(n, LAT + 0.003, LON + 0.003, f"机构{n}", f"/centres/{n}") for n in (1, 2, 3)]
    svg = draw(same_spot)
    spots = [marker_of(p) for p in svg.findall(f"{SVG}a[@class='pin']")]
    assert len(spots) == 3
    for i, (x1, y1) in enumerate(spots):
        for x2, y2 in spots[i + 1:]:
            assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 >= 24  # no two markers overlap
    first = next(p for p in svg.findall(f"{SVG}a[@class='pin']") if p.get("href") == "/centres/1")
    assert first.find(f"{SVG}line[@class='leader']") is None  # the nearest keeps its true spot


def test_the_map_says_how_far_the_circle_reaches() -> None:
    label = draw([]).find(f"{SVG}text[@class='reach']")
    assert label is not None and "900 米" in (label.text or "")
    english = draw([], lang="en").find(f"{SVG}text[@class='reach']")
    assert english is not None and "about 900 m" in (english.text or "")
