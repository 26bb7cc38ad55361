"""The staff pages end to end in headless Chromium at 1280×800, under the site's real CSP.

Its own app and store (the shared `server` fixture hides its store, and these tests need tokens and
subscribers in it); the `browser` and `screenshot` fixtures come from conftest.py. Every test fails on a
console error, an uncaught page error or a CSP violation. Screenshots: var/screenshots/admin-*.png.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import Engine, select

from api.app import create_app
from api.auth import create_token
from api.db import open_store
from api.services import Services, build_services
from api.settings import Settings
from api.store import audit_log, share_links
from messaging.subscriptions import Subscriptions
from tests.browser.conftest import REPORT_CSP
from tests.fakes.server import served_in_thread
from tests.messaging.test_subscriptions import FakePlan

pytestmark = pytest.mark.browser
Shot = Callable[..., Any]  # the screenshot fixture: screenshot(page, name, full_page=False)

DATA = Path(__file__).resolve().parents[1] / "data"
DESKTOP = {"width": 1280, "height": 800}
FLU = "流感季节到了，请带6月龄以上的孩子接种流感疫苗。"


@dataclass(frozen=True)
class Site:
    url: str
    services: Services
    tokens: dict[str, str]  # role → token

    @property
    def engine(self) -> Engine:
        return self.services.engine


STAFF = {"health_staff": "王医生", "registry_admin": "李管理员", "community_worker": "张社工"}


def _families(engine: Engine) -> None:
    """Four subscribers; a broadcast to 150627, 0–12 months, Chinese reaches only chat 1."""
    subs = Subscriptions(engine, FakePlan())
    now = datetime.now().astimezone()
    this_month = now.date().replace(day=1)
    subs.subscribe(1, this_month, "150627", "zh", now)
    subs.subscribe(2, this_month, "150627", "en", now)  # other language
    subs.subscribe(3, this_month, "150602", "zh", now)  # other county
    subs.subscribe(4, date(now.year - 2, 1, 1), "150627", "zh", now)  # too old


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The whole app on an empty store with three staff tokens and four subscribers, on a free loopback port."""
    store = tmp_path_factory.mktemp("admin-browser") / "store.db"
    settings = Settings(database_url=f"sqlite:///{store}", rate_limit_per_minute=0)
    services = build_services(settings, engine=open_store(settings.database_url))
    tokens = {role: create_token(services.engine, name, role) for role, name in STAFF.items()}
    _families(services.engine)
    with served_in_thread(create_app(settings, services), lifespan="off") as base:
        yield Site(base, services, tokens)
    services.engine.dispose()


@dataclass
class Desk:
    """One staff member's browser tab, and every console error, page error or CSP violation it saw."""

    page: Any
    site: Site
    problems: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        self.page.goto(self.site.url + path)

    def sign_in(self, token: str) -> str:
        """Sign in on /admin; the header's "name · role" afterwards."""
        self.open("/admin")
        self.page.fill("#token", token)
        self.page.get_by_role("button", name="登录").click()
        expect(self.page.locator("#status")).to_have_class("ok")
        return str(self.page.locator("#who").inner_text())

    def status(self) -> str:
        return str(self.page.locator("#status").inner_text())


@pytest.fixture
def desk(browser: Any, site: Site) -> Iterator[Desk]:
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Europe/London")  # not Beijing
    context.add_init_script(REPORT_CSP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    tab = Desk(page, site)

    def on_console(message: Any) -> None:
        if message.type == "error":
            tab.problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: tab.problems.append(f"page error: {error}"))
    yield tab
    context.close()


def _eventually(check: Callable[[], bool], seconds: float = 2.0) -> bool:
    """The contract's bound for a registry change to show everywhere; seen once to lag an upload under heavy load."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_sign_in_then_upload_the_registry(desk: Desk, site: Site, screenshot: Shot) -> None:
    desk.open("/admin")
    assert desk.page.locator("#need-sign-in").is_hidden() and desk.page.locator("#welcome").is_hidden()
    assert desk.sign_in(site.tokens["registry_admin"]) == "李管理员 · 名录管理员（registry_admin）"
    assert desk.page.evaluate("sessionStorage.getItem('carecircle-token')") == site.tokens["registry_admin"]
    # only what this role may do, and the audit log (the list is drawn after sign-in: wait for it)
    expect(desk.page.locator("#welcome li:visible a")).to_have_text(["机构名录", "投诉案件", "操作记录"])
    screenshot(desk.page, "admin-index")

    desk.page.get_by_role("link", name="机构名录", exact=True).first.click()
    desk.page.wait_for_url("**/admin/registry")
    desk.page.set_input_files("#file", DATA / "registry_good.csv")
    desk.page.get_by_role("button", name="上传").click()
    expect(desk.page.locator("#summary")).to_contain_text("已导入 4 行，被拒绝 0 行，提醒 0 条。")
    expect(desk.page.locator("#rejected-table")).to_be_hidden()
    assert _eventually(lambda: site.services.registry.get("T-001") is not None)
    screenshot(desk.page, "admin-registry")
    assert desk.problems == []


def test_broadcast_with_a_segment_preview_send_and_cancel(desk: Desk, site: Site, screenshot: Shot) -> None:
    assert desk.sign_in(site.tokens["health_staff"]) == "王医生 · 卫健工作人员（health_staff）"
    desk.open("/admin/broadcasts")
    page = desk.page
    page.fill("#text", FLU)
    page.fill("#regions", "150627")
    page.fill("#age-from", "0")
    page.fill("#age-to", "12")
    page.select_option("#language", "zh")
    page.get_by_role("button", name="预览").click()
    expect(page.locator("#count")).to_contain_text("将发送给 1 位家长")
    expect(page.locator("#preview-messages pre").first).to_contain_text(FLU)
    screenshot(page, "admin-broadcasts-preview")

    page.get_by_role("button", name="保存草稿").click()
    row = page.locator("#list tr").first
    row.get_by_role("button", name="发送").wait_for()
    expect(row.locator("td").nth(2)).to_have_text("地区 150627；0–12 月龄；中文")
    expect(row.locator("td").nth(3)).to_have_text("草稿")

    questions: list[str] = []

    def accept(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    row.get_by_role("button", name="发送").click()
    expect(page.locator("#status")).to_contain_text("已排队")
    assert questions[-1].startswith("确定发送给 1 位家长")
    # The status line, the report and the list are redrawn one after the other: wait for the last of them.
    expect(page.locator("#report-fields")).to_contain_text("发送中")
    expect(row.locator("td").nth(3)).to_have_text("发送中")
    report = dict(zip(page.locator("#report-fields dt").all_inner_texts(),
                      page.locator("#report-fields dd").all_inner_texts(), strict=True))
    assert report["状态"] == "发送中"
    assert (report["收件人"], report["待发"], report["已发"]) == ("1", "1", "0")
    assert report["对象"] == "地区 150627；0–12 月龄；中文"
    screenshot(desk.page, "admin-broadcasts")

    row.get_by_role("button", name="取消").click()
    expect(page.locator("#status")).to_contain_text("已取消")
    page.locator("#list tr td:nth-child(4)", has_text="已取消").wait_for()
    expect(page.locator("#report-fields")).to_contain_text("已取消")
    report = dict(zip(page.locator("#report-fields dt").all_inner_texts(),
                      page.locator("#report-fields dd").all_inner_texts(), strict=True))
    assert (report["状态"], report["待发"], report["已取消"]) == ("已取消", "0", "1")
    expect(row.get_by_role("button")).to_have_text(["报告"])
    assert desk.problems == []


def test_share_link_is_created_and_listed_with_its_qr_code(desk: Desk, site: Site, screenshot: Shot) -> None:
    assert desk.sign_in(site.tokens["community_worker"]) == "张社工 · 社区工作者（community_worker）"
    desk.open("/admin/links")
    page = desk.page
    page.select_option("#kind", "campaign")
    page.fill("#target", "/leave")
    page.fill("#title", "产假育儿假怎么算")
    page.get_by_role("button", name="生成").click()
    expect(page.locator("#status")).to_contain_text("已生成")
    with site.engine.connect() as conn:
        codes = conn.execute(select(share_links.c.code).where(share_links.c.created_by == "张社工")).scalars().all()
    assert len(codes) == 1
    # The status line is shown before the list is drawn again: wait for the row itself, and read it through
    # expect(), which retries until the page shows what is asserted (or times out).
    row = page.locator(f"#list tr[data-code='{codes[0]}']")
    expect(row.locator("td").first).to_have_text(f"/s/{codes[0]}")
    cells = row.locator("td").all_inner_texts()
    assert cells[2:] == ["活动", "/leave", "产假育儿假怎么算", "0", "0"]
    qr = row.locator("td.qr img")
    assert qr.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    expect(row.locator("td.qr a").first).to_have_attribute("href", f"/s/{codes[0]}/qr.png")
    expect(page.locator("#target")).to_have_value("")  # the form is ready for the next link
    screenshot(desk.page, "admin-links")
    assert desk.problems == []


def test_audit_log_lists_the_newest_change_first(desk: Desk, site: Site, screenshot: Shot) -> None:
    desk.sign_in(create_token(site.engine, "赵审计", "community_worker"))
    desk.open("/admin/audit")
    first = desk.page.locator("#list tr").first
    expect(first.locator("td")).to_have_count(5)
    expect(first.locator("td").nth(1)).to_have_text("cli")
    when, actor, action, target, detail = first.locator("td").all_inner_texts()
    assert (actor, action, target, detail) == ("cli", "创建令牌（token.create）", "赵审计", "role: community_worker")
    with site.engine.connect() as conn:
        newest = conn.execute(select(audit_log.c.at).order_by(audit_log.c.id.desc())).scalars().first()
    assert newest is not None
    beijing = (newest if newest.tzinfo else newest.replace(tzinfo=UTC)).astimezone(ZoneInfo("Asia/Shanghai"))
    assert when == beijing.strftime("%Y-%m-%d %H:%M")  # shown in Beijing time, whatever the browser's zone
    screenshot(desk.page, "admin-audit")
    assert desk.problems == []


def test_a_wrong_token_is_refused_and_forgotten(desk: Desk, screenshot: Shot) -> None:
    desk.open("/admin")
    desk.page.fill("#token", "cc_not-a-token")
    desk.page.get_by_role("button", name="登录").click()
    expect(desk.page.locator("#status")).to_have_class("error")
    expect(desk.page.locator("#status")).to_contain_text("401：令牌无效或已撤销")
    assert desk.page.evaluate("sessionStorage.getItem('carecircle-token')") is None
    screenshot(desk.page, "admin-index-refused")
    desk.open("/admin/broadcasts")
    expect(desk.page.locator("#need-sign-in")).to_be_visible()
    screenshot(desk.page, "admin-broadcasts-signed-out")
    # The one error the console may show: the refused request itself.
    assert [p for p in desk.problems if "status of 401" not in p] == []


def test_the_staff_pages_speak_english_throughout(desk: Desk, site: Site, screenshot: Shot) -> None:
    """?lang=en: the server's words and the scripts' words alike come from the catalogue, in English."""
    import re

    cjk = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
    names = [*STAFF.values(), "赵审计", "产假育儿假怎么算", "中文"]  # people's names, a link title, the language switch

    def chinese_left(text: str) -> list[str]:
        for name in names:
            text = text.replace(name, "")
        return [line for line in text.splitlines() if cjk.search(line)]

    desk.open("/admin?lang=en")
    desk.page.fill("#token", site.tokens["community_worker"])
    desk.page.get_by_role("button", name="Sign in").click()
    expect(desk.page.locator("#status")).to_have_class("ok")
    assert desk.page.locator("#who").inner_text() == "张社工 · community worker (community_worker)"
    assert chinese_left(desk.page.locator("body").inner_text()) == []
    desk.open("/admin/links")  # the language is remembered
    warning = desk.page.locator("#no-public-url")
    assert warning.is_visible() and "CARECIRCLE_PUBLIC_URL" in warning.inner_text()  # before any poster is printed
    desk.page.select_option("#kind", "campaign")
    desk.page.fill("#target", "/guidance")
    desk.page.fill("#title", "产假育儿假怎么算")
    desk.page.get_by_role("button", name="Create").click()
    expect(desk.page.locator("#status")).to_contain_text("Created")
    desk.page.locator("#list tr").first.wait_for()
    assert "Campaign" in desk.page.locator("#list tr").first.inner_text()
    screenshot(desk.page, "admin-links-english")
    for path in ("/admin/audit", "/admin/broadcasts", "/admin/registry"):
        desk.open(path)
        desk.page.wait_for_load_state("networkidle")
        assert chinese_left(desk.page.locator("body").inner_text()) == [], path
    assert [p for p in desk.problems if "status of 403" not in p] == []  # a worker may not list broadcasts
