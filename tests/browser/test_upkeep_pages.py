"""The living registry in a phone's browser (390 px wide), under the site's real CSP: a centre's own page with its
status and history, the centres' update page, a parent's complaint from form to case number, staff handling it on
/admin/cases, and every admin page fitting the phone's width. Screenshots: var/screenshots/upkeep-*.png."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import expect

from api.app import create_app
from api.auth import Role, create_token
from api.cli.service import SAMPLE_REGISTRY
from api.db import open_store
from api.routes.admin import PAGES
from api.services import Services, build_services
from api.settings import Settings
from geodata.cases import Cases
from geodata.upkeep import edit_centre, import_file
from tests.browser.conftest import PHONE, REPORT_CSP
from tests.fakes.server import served_in_thread

pytestmark = pytest.mark.browser
Shot = Callable[..., Any]
WIDER_THAN_THE_SCREEN = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


@dataclass(frozen=True)
class Site:
    url: str
    services: Services
    tokens: dict[Role, str]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    store = tmp_path_factory.mktemp("upkeep-browser") / "store.db"
    settings = Settings(database_url=f"sqlite:///{store}", rate_limit_per_minute=0)
    services = build_services(settings, engine=open_store(settings.database_url))
    import_file(services.registry, SAMPLE_REGISTRY, is_sample=True)
    edit_centre(services.registry, "SAMPLE-150627-003", {"status": "suspended"}, actor="李管理员",
                reason="双随机抽查发现安全隐患，暂停服务整改")
    tokens = {role: create_token(services.engine, f"b-{role.value}", role,
                                 ("SAMPLE-150627-001",) if role is Role.centre else ()) for role in Role}
    with served_in_thread(create_app(settings, services), lifespan="off") as base:
        yield Site(base, services, tokens)
    services.engine.dispose()


@dataclass
class Phone:
    page: Any
    site: Site
    problems: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        self.page.goto(self.site.url + path)

    def fits(self) -> bool:
        return not self.page.evaluate(WIDER_THAN_THE_SCREEN)


@pytest.fixture
def phone(browser: Any, site: Site) -> Iterator[Phone]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    context.add_init_script(REPORT_CSP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    tab = Phone(page, site)
    page.on("console", lambda m: tab.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: tab.problems.append(f"page error: {error}"))
    yield tab
    context.close()


def test_a_suspended_centre_shows_its_status_meaning_and_history(phone: Phone, screenshot: Shot) -> None:
    phone.open("/centres/SAMPLE-150627-003")
    page = phone.page
    expect(page.locator(".detail .status")).to_contain_text("暂停服务")
    expect(page.locator(".meaning")).to_contain_text("现在不接收孩子")
    history = page.locator("#history li")
    expect(history).to_have_count(2)
    expect(history.nth(1)).to_contain_text("双随机抽查发现安全隐患")
    expect(page.locator(".sample-banner")).to_be_visible()
    assert phone.fits()
    screenshot(page, "upkeep-centre-page", full_page=True)
    phone.open("/")  # not offered: the finder never lists it
    assert "SAMPLE-150627-003" not in page.content()
    assert phone.problems == []


def test_a_centre_updates_its_vacancies_on_its_phone_page(phone: Phone, site: Site, screenshot: Shot) -> None:
    phone.open("/centre?c=SAMPLE-150627-001")
    page = phone.page
    page.fill("#portal-token", site.tokens[Role.centre])
    page.get_by_role("button", name="登录").click()
    form = page.locator("#centre-SAMPLE-150627-001")
    form.wait_for()
    form.locator("input[name=vacancies]").fill("3")
    form.locator("input[name=hours]").fill("07:30-18:30")
    assert phone.fits()
    screenshot(page, "upkeep-centre-portal")
    form.get_by_role("button", name="保存（空位记为今天更新）").click()
    expect(page.locator("#portal-status")).to_contain_text("已保存")
    saved = site.services.registry.get("SAMPLE-150627-001")
    assert saved is not None and (saved.vacancies, saved.hours) == (3, "07:30-18:30")
    assert saved.vacancies_updated_on is not None
    assert phone.problems == []


def test_a_parent_files_a_complaint_and_staff_handle_it(phone: Phone, site: Site, screenshot: Shot) -> None:
    phone.open("/centres/SAMPLE-150627-002")
    page = phone.page
    page.get_by_role("link", name="登记投诉").click()
    page.wait_for_url("**/cases?centre=SAMPLE-150627-002")
    expect(page.locator(".danger-box").first).to_contain_text("110")
    assert phone.fits()
    screenshot(page, "upkeep-cases-form", full_page=True)
    page.fill("#what", "老师把孩子推倒，膝盖受伤，园方没有告知家长")
    page.check("input[name=consent]")
    page.get_by_role("button", name="提交投诉").click()
    page.wait_for_url("**/cases/TS*")
    number = page.locator(".case-number").inner_text()
    expect(page.locator(".danger-box")).to_contain_text("110")
    expect(page.locator(".status")).to_contain_text("已受理")
    assert phone.fits()
    screenshot(page, "upkeep-case-filed", full_page=True)

    phone.open("/admin")
    page.fill("#token", site.tokens[Role.health_staff])
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("#status")).to_have_class("ok")
    phone.open("/admin/cases")
    card = page.locator(f"#case-{number}")
    card.wait_for()
    expect(page.locator("#flagged")).to_contain_text("SAMPLE-150627-002")
    assert phone.fits()
    screenshot(page, "upkeep-admin-case-handling", full_page=True)
    card.get_by_placeholder("经办人").fill("王科长")
    card.get_by_role("button", name="分派").click()
    expect(page.locator("#status")).to_contain_text("已更新")
    card = page.locator(f"#case-{number}")
    card.get_by_placeholder("处理结果（告知投诉人）").fill("已约谈机构负责人，涉事老师停岗")
    card.get_by_role("button", name="办结").click()
    expect(page.locator("#status")).to_contain_text("已更新")
    expect(page.locator(f"#case-{number}")).to_have_count(0)  # open cases only, by default
    found = Cases(site.services.engine).get(number)
    assert found is not None and found.status.value == "resolved" and found.assignee == "王科长"
    phone.open(f"/cases/{number}")
    expect(page.locator("#case")).to_contain_text("已约谈机构负责人")
    assert phone.problems == []


@pytest.mark.parametrize("name", list(PAGES))
def test_every_admin_page_fits_a_phone(phone: Phone, site: Site, screenshot: Shot, name: str) -> None:
    token = site.tokens[Role.community_worker if name == "links" else
                        Role.health_staff if name in ("broadcasts", "cases", "coverage") else Role.registry_admin]
    phone.open("/admin")
    page = phone.page
    page.fill("#token", token)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("#status")).to_have_class("ok")
    phone.open("/admin" if name == "index" else f"/admin/{name}")
    expect(page.locator("#who")).not_to_have_text("未登录")
    if name == "registry":
        page.locator("#centres li").first.wait_for()  # the list of centres, drawn by its script
    if name == "audit":
        page.locator("#list tr").first.wait_for()
    assert phone.fits(), name
    screenshot(page, f"upkeep-admin-{name}", full_page=True)
    assert phone.problems == []
