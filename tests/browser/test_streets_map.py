"""The finder's map with a street network loaded, in headless Chromium: the streets are drawn under the circle.

The test waits for the map's street layer, then reads the screenshot of the map itself (a small PNG decoder below:
no imaging library is needed) and counts the pixels in the street colour."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from api.app import create_app
from api.cli.service import SAMPLE_REGISTRY
from api.db import open_store
from api.services import build_services
from api.settings import Settings
from api.svgmap import PARENT_FILL, STREET_STROKE
from geodata.importer import read_registry_file
from tests.fakes.server import served_in_thread
from tests.geodata.factories import street_grid

pytestmark = pytest.mark.browser
Shot = Callable[..., Any]
TIANJIAO = (39.5962, 109.7582)  # 天骄社区, in the sample registry's town


@pytest.fixture(scope="module")
def streets_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("streets")
    street_grid(*TIANJIAO, size=40, block_m=90).save(folder / "streets.npz")
    settings = Settings(database_url=f"sqlite:///{folder / 'store.db'}", streets_file=str(folder / "streets.npz"),
                        rate_limit_per_minute=0)
    services = build_services(settings, engine=open_store(settings.database_url))
    services.registry.save(read_registry_file(SAMPLE_REGISTRY, is_sample=True).accepted)
    with served_in_thread(create_app(settings, services), lifespan="off") as base:
        yield base
    services.engine.dispose()


def png_pixels(data: bytes) -> np.ndarray:
    """An 8-bit RGB or RGBA PNG (as Chromium writes them) as an (height, width, channels) array."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, chunks, header = 8, [], b""
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        at += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    channels = 3 if colour == 2 else 4
    raw = np.frombuffer(zlib.decompress(b"".join(chunks)), dtype=np.uint8).reshape(height, 1 + width * channels)
    out = np.zeros((height, width * channels), dtype=np.int32)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        above = out[y - 1] if y else np.zeros_like(line)
        if kind == 0:
            out[y] = line
        elif kind == 2:
            out[y] = (line + above) % 256
        else:  # 1 (sub), 3 (average), 4 (Paeth) depend on the pixel to the left: one pixel at a time
            row = np.zeros_like(line)
            for x in range(len(line)):
                left = row[x - channels] if x >= channels else 0
                up_left = above[x - channels] if x >= channels else 0
                if kind == 1:
                    predicted = left
                elif kind == 3:
                    predicted = (left + above[x]) // 2
                else:
                    p = left + above[x] - up_left
                    pa, pb, pc = abs(p - left), abs(p - above[x]), abs(p - up_left)
                    predicted = left if pa <= pb and pa <= pc else (above[x] if pb <= pc else up_left)
                row[x] = (line[x] + predicted) % 256
            out[y] = row
    return out.reshape(height, width, channels)[:, :, :3]


def near_colour(pixels: np.ndarray, hex_colour: str, tolerance: int = 6) -> int:
    target = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels - target).max(axis=2) <= tolerance).sum())


def test_the_map_draws_the_streets_around_the_circle(streets_server: str, phone: Any, screenshot: Shot) -> None:
    phone.goto(f"{streets_server}/?lat={TIANJIAO[0]}&lon={TIANJIAO[1]}")
    streets = phone.locator("svg.circle-map path.streets")
    streets.wait_for(state="attached")
    assert phone.locator("svg.circle-map path.walk-circle").count() == 1
    assert streets.get_attribute("d").count("M") > 100  # type: ignore[union-attr]
    assert phone.locator("svg.circle-map .pin").count() >= 1
    assert "步行" in phone.locator(".walk").first.inner_text()
    shot: Path = screenshot(phone, "finder-streets")
    assert shot.exists()
    picture = png_pixels(phone.locator("svg.circle-map").screenshot())
    assert near_colour(picture, STREET_STROKE) > 2000  # the grid, outside the circle's fill
    assert near_colour(picture, PARENT_FILL) > 50  # the parent's dot, drawn on top
