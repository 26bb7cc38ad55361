"""Regenerate sample_population.csv: FICTIONAL residential areas for the four demo towns, for coverage demos.

The areas are the sample gazetteer's communities and estates (places.csv), with made-up new estates and villages
around them. Every figure is made up (plausible sizes: 2,000–19,000 people in a community, 400–2,600 in a village,
children under three 1.8–3.2% of the people); ids start with SAMPLE-, names end in （示例）. Deterministic.

    python -m geodata.data.make_sample_population
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from pyproj import Geod

OUTPUT = Path(__file__).with_name("sample_population.csv")
PLACES = Path(__file__).with_name("places.csv")
GEOD = Geod(ellps="WGS84")
COLUMNS = ("id", "name", "lat", "lon", "population", "under3", "district_code", "town", "urban", "new_area")

# People in one urban area, per county (阿镇's communities are large: the town holds most of the banner's people).
URBAN_PEOPLE = {"150627": (9000, 19000)}
DEFAULT_URBAN_PEOPLE = (2000, 11000)
# county → (town used for every area there, or None: the nearest town of places.csv), centre point, extras:
# (name, bearing°, km, urban, new) for made-up new estates and villages round the town.
TOWNS: dict[str, tuple[str | None, tuple[float, float], list[tuple[str, float, float, bool, bool]]]] = {
    "150627": ("阿勒腾席热镇", (39.600, 109.760), [
        ("天骄新城小区", 20, 2.4, True, True), ("鑫海名苑小区", 70, 1.7, True, True),
        ("康巴什路新区", 110, 2.9, True, True), ("哈沙图社区", 300, 1.9, True, False),
        ("西湖花园小区", 250, 1.4, True, True), ("东红海子社区", 145, 1.3, True, False),
        ("乌兰木伦路小区", 175, 2.6, True, True), ("纳林希里社区", 330, 3.1, True, False),
        ("民族街新区", 45, 3.3, True, True), ("札萨克路新区", 200, 3.6, True, True),
        ("掌岗图村", 200, 6.5, False, False), ("哈巴格希村", 320, 7.5, False, False),
        ("耳字壕村", 35, 9.0, False, False), ("公尼召村", 160, 11.0, False, False),
    ]),
    "150625": ("锡尼镇", (39.8234, 108.7252), [
        ("锡尼新区小区", 60, 1.6, True, True), ("阿斯尔社区", 200, 1.7, True, False),
        ("乌兰乌素村", 140, 6.0, False, False), ("巴音乌素村", 270, 8.0, False, False),
        ("赛台吉村", 20, 10.5, False, False),
    ]),
    "140802": (None, (35.0210, 110.9930), [
        ("盐湖新城小区", 80, 2.3, True, True), ("禹都新区小区", 20, 2.6, True, True),
        ("北城新苑小区", 350, 2.2, True, True), ("姚孟社区", 230, 1.9, True, False),
        ("大渠村", 250, 7.0, False, False), ("解州东村", 225, 12.0, False, False),
        ("龙居北村", 265, 11.0, False, False), ("上王村", 120, 8.5, False, False),
    ]),
    "510802": (None, (32.4370, 105.8290), [
        ("东坝新区小区", 95, 2.1, True, True), ("雪峰新城小区", 190, 2.7, True, True),
        ("上西坝社区", 300, 2.3, True, False), ("回龙河村", 60, 6.5, False, False),
        ("宝轮镇柏林村", 250, 14.0, False, False), ("荣山村", 100, 12.5, False, False),
    ]),
}


def main() -> None:
    rng = random.Random(20240408)  # the 伊金霍洛旗 document's date
    places = [r for r in csv.DictReader(line for line in PLACES.open(encoding="utf-8") if not line.startswith("#"))]
    rows = []
    for county, (town, (lat0, lon0), extras) in TOWNS.items():
        towns = [(r["name"], float(r["lat"]), float(r["lon"])) for r in places
                 if r["county_code"] == county and r["kind"] == "town"]
        areas = [(r["name"], float(r["lat"]), float(r["lon"]), True, False) for r in places
                 if r["county_code"] == county and r["kind"] in ("community", "estate")]
        for name, bearing, km, urban, new in extras:
            lon, lat, _ = GEOD.fwd(lon0, lat0, bearing, km * 1000)
            areas.append((name, float(lat), float(lon), urban, new))
        for number, (name, lat, lon, urban, new) in enumerate(areas, start=1):
            people = rng.randint(*URBAN_PEOPLE.get(county, DEFAULT_URBAN_PEOPLE)) if urban else rng.randint(400, 2600)
            nearest = town or min(towns, key=lambda t: (t[1] - lat) ** 2 + (t[2] - lon) ** 2)[0]
            rows.append({
                "id": f"SAMPLE-{county}-A{number:02d}", "name": f"{name}（示例）", "lat": f"{lat:.6f}",
                "lon": f"{lon:.6f}", "population": people, "under3": round(people * rng.uniform(0.018, 0.032)),
                "district_code": county, "town": nearest, "urban": "true" if urban else "false",
                "new_area": "true" if new else "false",
            })
    with OUTPUT.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} areas → {OUTPUT}")


if __name__ == "__main__":
    main()
