"""/admin/coverage in headless Chromium, as a 伊金霍洛旗 health worker uses it from the demo: at 390 px and at
desktop size, under the site's CSP, with screenshots (var/screenshots/admin-coverage-*.png).

The store is the demo's: the SAMPLE registry and the SAMPLE population. Every wait is for what the test then reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from api.app import create_app
from api.auth import create_token
from api.cli.service import SAMPLE_POPULATION, SAMPLE_REGISTRY
from api.db import open_store
from api.services import build_services
from api.settings import Settings
from geodata.importer import read_registry_file
from tests.browser.test_admin_pages import DESKTOP, REPORT_CSP
from tests.fakes.server import served_in_thread

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Any]]:
    store = tmp_path_factory.mktemp("coverage-browser") / "store.db"
    settings = Settings(database_url=f"sqlite:///{store}", rate_limit_per_minute=0)
    services = build_services(settings, engine=open_store(settings.database_url))
    services.registry.save(read_registry_file(SAMPLE_REGISTRY, is_sample=True).accepted)
    services.planner.save(services.planner.read_file(SAMPLE_POPULATION, is_sample=True).accepted)
    token = create_token(services.engine, "伊旗卫健局", "health_staff")
    with served_in_thread(create_app(settings, services), lifespan="off") as base:
        yield base, token, services
    services.engine.dispose()


def open_page(browser: Any, base: str, token: str, viewport: dict[str, int], problems: list[str],
              **options: Any) -> Any:
    context = browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True, **options)
    context.add_init_script(REPORT_CSP)
    context.add_init_script(f"sessionStorage.setItem('carecircle-token', {token!r});")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return page


def read_result(page: Any) -> dict[str, str]:
    """Wait for the figures and the map, then read the figures as {label: value}."""
    expect(page.locator("#title")).to_contain_text("伊金霍洛旗（150627）")
    page.locator("#map svg.coverage-map").wait_for()
    return dict(zip(page.locator("#figures dt").all_inner_texts(), page.locator("#figures dd").all_inner_texts(),
                    strict=True))


def test_a_health_worker_sees_the_sample_figures_against_the_targets_and_downloads_them(
        browser: Any, site: tuple[str, str, Any], screenshot: Callable[..., Path], tmp_path: Path) -> None:
    base, token, services = site
    problems: list[str] = []
    page = open_page(browser, base, token, DESKTOP, problems)
    page.goto(base + "/admin/coverage")
    figures = read_result(page)
    expected = services.planner.coverage("150627").as_json()
    assert page.locator("#sample-banner").is_visible()
    assert page.locator("#who").inner_text() == "伊旗卫健局 · 卫健工作人员（health_staff）"
    assert figures["常住人口 Population"] == f"{expected['population']:,}"
    assert figures["每千人托位 Per 1,000"] == f"{expected['places_per_1000']:.2f}"
    rows = page.locator("#targets tr")
    expect(rows).to_have_count(3)
    verdicts = {row[0].split(" ")[0]: row[3] for row in
                (rows.nth(i).locator("td").all_inner_texts() for i in range(3))}
    want = {t["name"]: "达标 met" if t["met"] else "未达标 missed" for t in expected["targets"]}
    assert verdicts == want
    per_1000 = rows.filter(has_text="每千人口托位数").locator("td")
    assert per_1000.nth(2).inner_text() == "≥ 4.86 *" and "推定" in per_1000.nth(5).inner_text()
    areas = page.locator("#map svg circle.area")
    expect(areas).to_have_count(expected["areas"])
    expect(page.locator("#map svg g.site")).to_have_count(len(expected["suggestions"]))
    expect(page.locator("#gaps tr")).to_have_count(len(expected["gaps"]))
    screenshot(page, "admin-coverage-desktop", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("button", name="下载 Excel 报表 (.xlsx)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("coverage-150627-") and saved.suffix == ".xlsx"
    towns = CalamineWorkbook.from_path(str(saved)).get_sheet_by_name("乡镇与区县 Towns & counties").to_python()
    assert towns[1][2] == "阿勒腾席热镇" and towns[1][4] == expected["population"]
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    expect(page.locator("#status")).to_contain_text("已下载")
    assert problems == []


def test_the_page_works_on_a_phone_without_sideways_scrolling(
        browser: Any, site: tuple[str, str, Any], screenshot: Callable[..., Path]) -> None:
    base, token, _ = site
    problems: list[str] = []
    page = open_page(browser, base, token, PHONE, problems, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(base + "/admin/coverage?region=运城&sites=3")
    expect(page.locator("#title")).to_contain_text("运城市（140800）")
    page.locator("#map svg.coverage-map").wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a 390 px phone"
    box = page.locator("#map svg").bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    expect(page.locator("#towns-without")).to_contain_text("没有普惠托育机构的乡镇/街道")
    assert page.locator("#suggestions tr").count() <= 3
    screenshot(page, "admin-coverage-phone")
    screenshot(page, "admin-coverage-phone-full", full_page=True)
    assert problems == []
