"""Headless Chromium against the real app, served by uvicorn on a free loopback port in a thread.

Debian's chromium at /usr/bin/chromium, driven by Playwright (never `playwright install`). The tests skip
when it is missing, and fail under CI=true (see skip_or_fail).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from api import sharelinks as share
from api.app import create_app
from api.cli.service import SAMPLE_REGISTRY
from api.db import open_store
from api.services import build_services
from api.settings import Settings
from geodata.importer import read_registry_file
from tests.conftest import skip_or_fail
from tests.fakes.server import served_in_thread

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
# Chromium reports CSP violations on the console too; this makes sure each one is an error a test collects.
REPORT_CSP = """document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`));"""
# Screenshots land in var/ (ignored by git); CARECIRCLE_SCREENSHOTS moves them.
SCREENSHOTS = Path(os.environ.get("CARECIRCLE_SCREENSHOTS", Path(__file__).parents[2] / "var" / "screenshots"))


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The whole app on the bundled sample registry (marked as sample data), at http://127.0.0.1:<port>."""
    store = tmp_path_factory.mktemp("browser") / "store.db"
    # One browser makes every request of the session: no per-IP limit.
    settings = Settings(database_url=f"sqlite:///{store}", telegram_bot_username="carecircle_test_bot",
                        rate_limit_per_minute=0)
    services = build_services(settings, engine=open_store(settings.database_url))
    services.registry.save(read_registry_file(SAMPLE_REGISTRY, is_sample=True).accepted)
    app = create_app(settings, services)
    share.create_link(services.engine, "community", "天骄社区", "browser-test", title="天骄社区托育服务",
                      code="tianjiao")
    with served_in_thread(app, lifespan="off") as base:
        yield base
    services.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for one test module. Sync Playwright runs an event loop in this thread while it lives, so it
    must stop before the asyncio tests of later modules start (a session-wide browser would break them)."""
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A 390×844 phone, Chinese, with geolocation granted at 天骄社区 in 阿勒腾席热镇 (the sample area)."""
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN",
        geolocation={"latitude": 39.5962, "longitude": 109.7582}, permissions=["geolocation"],
    )
    page = context.new_page()
    yield page
    context.close()


def _screenshot(page: Any, name: str, *, full_page: bool = False) -> Path:
    """What the phone's screen shows (390×844), or the whole page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    return _screenshot
