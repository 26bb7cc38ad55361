"""End to end in headless Chromium on a 390×844 phone: the finder with geolocation, the leave form, the chat.

Screenshots of each page land in var/screenshots/ (see conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
Shot = Callable[..., Any]  # the screenshot fixture: screenshot(page, name, full_page=False)


def test_finder_with_geolocation_shows_the_nearest_inclusive_centres(server: str, phone: Any,
                                                                     screenshot: Shot) -> None:
    phone.goto(server + "/")
    screenshot(phone, "home")
    phone.get_by_role("button", name="使用我的位置").click()
    phone.wait_for_url("**/?lat=*")
    # 天骄社区 in 阿镇 (the sample registry): the three inclusive centres within 900 m, nearest first.
    expect(phone.locator(".results li.centre h3")).to_have_text(
        ["萌宝驿站·天骄社区点（示例）", "蓝天幼儿园托班（示例）", "小星星托育园（示例）"])
    expect(phone.locator("svg.circle-map .pin")).to_have_count(3)
    expect(phone.locator(".sample-banner")).to_contain_text("示例数据")
    expect(phone.locator(".walk").first).to_contain_text("约1分钟步行（估算）")
    screenshot(phone, "finder-results")
    screenshot(phone, "finder-results-full", full_page=True)


def test_finder_filters_and_typed_place_work_without_javascript(server: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False,
                                  locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(server + "/")
        assert page.locator("#locate").is_hidden()  # no script, no location button; the typed place remains
        page.fill("#place", "天骄社区")
        page.select_option("#age", "12")
        page.get_by_role("button", name="查找").click()
        expect(page.locator(".confirm")).to_contain_text("按“天骄社区”的位置查找")
        # of the three, only it takes a 1-year-old
        expect(page.locator(".results li.centre h3")).to_have_text(["萌宝驿站·天骄社区点（示例）"])
    finally:
        context.close()


def test_centre_page_and_share_link(server: str, phone: Any, screenshot: Shot) -> None:
    phone.goto(server + "/s/tianjiao")
    expect(phone.locator(".share-banner")).to_contain_text("天骄社区托育服务")
    expect(phone.locator(".share-banner a")).to_have_attribute(
        "href", "https://t.me/carecircle_test_bot?start=c-tianjiao")
    phone.locator(".results li.centre h3 a").first.click()
    phone.wait_for_url("**/centres/SAMPLE-150627-002")
    expect(phone.locator(".detail")).to_contain_text("已备案，正常运营")
    qr = phone.locator("img.qr")
    assert qr.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0  # waits for the image
    screenshot(phone, "centre")
    screenshot(phone, "centre-full", full_page=True)


def test_leave_form(server: str, phone: Any, screenshot: Shot) -> None:
    phone.goto(server + "/leave")
    phone.select_option("#region", "150000")
    phone.fill("#birth_date", "2025-03-01")
    screenshot(phone, "leave-form")
    phone.get_by_role("button", name="计算").click()
    phone.wait_for_url("**/leave?*")
    expect(phone.locator(".ent .days")).to_have_count(4)
    days = [" ".join(d.split()) for d in phone.locator(".ent .days").all_inner_texts()]
    assert days == ["158 天", "25 天", "每年 10 天", "每天 1 小时哺乳时间"]
    expect(phone.locator(".ent-maternity")).to_contain_text("女职工劳动保护特别规定")
    screenshot(phone, "leave-result")


def test_chat_finds_centres_with_the_location_button(server: str, phone: Any, screenshot: Shot) -> None:
    phone.goto(server + "/chat")
    expect(phone.get_by_role("button", name="找附近托育")).to_be_visible()
    phone.fill("#text", "附近有普惠托育吗")
    phone.keyboard.press("Enter")  # Enter sends the text, not the first quick reply
    expect(phone.locator(".bubble.me")).to_have_text(["附近有普惠托育吗"])  # the next page, once it is there
    phone.get_by_role("button", name="发送我的位置").click()
    expect(phone.locator(".bubble.me")).to_have_count(2)  # waits in Python: the page's CSP forbids eval
    expect(phone.locator(".bubble.bot").last).to_contain_text("小星星托育园")  # the answer, once it is there
    reply = phone.locator(".bubble.bot").last.inner_text()
    assert reply.index("萌宝驿站·天骄社区点") < reply.index("蓝天幼儿园托班") < reply.index("小星星托育园")
    screenshot(phone, "chat")


def test_guidance_and_english(server: str, phone: Any, screenshot: Shot) -> None:
    phone.goto(server + "/guidance?age_months=6")
    expect(phone.locator(".article-card").first).to_be_visible()
    screenshot(phone, "guidance")
    phone.locator(".article-card h3 a").first.click()
    expect(phone.locator("article.prose")).to_contain_text("来源")
    screenshot(phone, "article")
    phone.get_by_role("link", name="English").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")  # the old page said zh-CN: wait for the new
    phone.goto(server + "/")
    expect(phone.get_by_role("button", name="Use my location")).to_be_visible()
    screenshot(phone, "home-en")
