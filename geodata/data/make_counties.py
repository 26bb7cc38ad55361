"""Regenerate counties.csv: mainland China's county-level divisions with a centre point in WGS-84.

Source: the `cpca` package (MIT licence, https://github.com/DQinYuan/chinese_province_city_area_mapper),
whose resources/adcodes.csv was synced from Vonng/adcode (CC BY 4.0). That data takes its codes from the
National Bureau of Statistics' 2016 division codes with the Ministry of Civil Affairs' changes to 2017,
and its points from AutoNavi (高德) district centres, which are the seats of government, in GCJ-02.
This script converts them to WGS-84 with geodata.crs.to_wgs84.

Usage (cpca is only needed here, never at run time; `--no-deps` because the file is all we read):

    pip install --no-deps cpca==0.5.5
    python -m geodata.data.make_counties
"""

from __future__ import annotations

import csv
import importlib.metadata
from pathlib import Path

from geodata.crs import Crs, to_wgs84

OUTPUT = Path(__file__).with_name("counties.csv")
PACKAGE = "cpca"
MAINLAND_PROVINCE_PREFIXES = {code for code in (
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
)}
# Placeholders that group districts or directly administered counties; they are not places.
GROUPING_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def read_adcodes() -> dict[str, dict[str, str]]:
    """cpca's adcodes.csv keyed by the 6-digit code (its codes are the 12-digit NBS form)."""
    path = Path(str(importlib.metadata.distribution(PACKAGE).locate_file("cpca/resources/adcodes.csv")))
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["adcode"][:6]: row for row in csv.DictReader(handle) if row["adcode"].endswith("000000")}


def county_rows(adcodes: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """County-level units with coordinates, plus the prefecture-level cities that have no counties
    (东莞, 中山, 儋州, 嘉峪关): their own code is the one a registry uses."""
    def is_city(code: str) -> bool:
        return code.endswith("00") and not code.endswith("0000")

    def is_county(code: str) -> bool:
        return not code.endswith("00")

    with_counties = {code[:4] for code, row in adcodes.items() if is_county(code) and row["name"] not in GROUPING_NAMES}
    rows = []
    for code, row in sorted(adcodes.items()):
        if code[:2] not in MAINLAND_PROVINCE_PREFIXES or row["name"] in GROUPING_NAMES:
            continue
        if not (is_county(code) or (is_city(code) and code[:4] not in with_counties)):
            continue
        if not row["longitude"] or not row["latitude"]:
            continue  # six codes abolished in 2016–17 that the source keeps without a point
        city = row["name"] if is_city(code) else adcodes.get(code[:4] + "00", {}).get("name", "")
        if city in {"", "市辖区", "县"}:  # the four municipalities' districts and counties
            city = adcodes[code[:2] + "0000"]["name"]
        lat, lon = to_wgs84(float(row["latitude"]), float(row["longitude"]), Crs.gcj02)
        rows.append({
            "code": code, "name": row["name"], "city": city, "province_code": code[:2] + "0000",
            "lat": f"{lat:.6f}", "lon": f"{lon:.6f}",
        })
    return rows


def main() -> None:
    version = importlib.metadata.version(PACKAGE)
    rows = county_rows(read_adcodes())
    with OUTPUT.open("w", encoding="utf-8", newline="") as handle:
        handle.write(
            f"# China's county-level divisions from {PACKAGE} {version} (MIT) resources/adcodes.csv, "
            "data from Vonng/adcode (CC BY 4.0): NBS codes of 2016-07 with MCA changes to 2017; points are "
            "AutoNavi seats of government, converted GCJ-02 -> WGS-84. "
            "Regenerate: python -m geodata.data.make_counties\n"
        )
        writer = csv.DictWriter(handle, fieldnames=["code", "name", "city", "province_code", "lat", "lon"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUTPUT}")


if __name__ == "__main__":
    main()
