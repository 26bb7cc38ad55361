"""Every page, parents' and staff's, in English: no Chinese outside names and addresses.

What may stay Chinese is marked in the page itself: names and addresses (translate="no"), the titles of laws and
documents (<cite>), and Chinese terms an English text glosses (lang="zh-CN"). Text a person typed (a place, a
centre's name) is a name too. Everything else a parent or a staff member reads comes from the catalogue.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import Engine

from api.app import create_app
from api.i18n import catalogue
from api.routes.admin import PAGES
from api.services import Services, build_services
from api.settings import Settings
from api.sharelinks import create_link
from geodata.importer import read_registry_file

GOOD = Path(__file__).parents[1] / "data" / "registry_good.csv"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
EXEMPT_TAGS = {"cite", "script", "style"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "data-wait", "data-denied", "data-copied",
                   "data-messages", "label"}
TYPED = ["天骄社区", "火星基地一号", "火星", "测试", "不存在的机构"]  # what the pages below were asked about


class ReadableText(HTMLParser):
    """The text a reader meets: element text and the attributes read aloud or shown, outside exempt elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: is it (or an ancestor) exempt?
        self.found: list[str] = []

    @property
    def exempt(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        exempt = self.exempt or tag in EXEMPT_TAGS or values.get("translate") == "no" \
            or values.get("lang", "").startswith("zh")
        if not exempt:
            self.found += [f"<{tag} {k}>: {v}" for k, v in values.items() if k in READ_ATTRIBUTES]
            if tag == "meta" and (values.get("name") == "description" or values.get("property") == "og:description"):
                self.found.append(f"<meta>: {values.get('content', '')}")
        if tag not in VOID:
            self.stack.append(exempt)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.exempt and data.strip():
            self.found.append(data.strip())


def chinese_outside_names(html: str, names: list[str]) -> list[str]:
    for name in sorted(names, key=len, reverse=True):  # a <title> or a data-title holds a name as plain text
        html = html.replace(name, "")
    parser = ReadableText()
    parser.feed(html)
    return [text for text in parser.found if CJK.search(text)]


@pytest.fixture
def services(sqlite_store: Engine) -> Services:
    settings = Settings(database_url="sqlite://", telegram_bot_username="carecircle_bot")  # no public URL
    services = build_services(settings, engine=sqlite_store)
    services.registry.save(read_registry_file(GOOD).accepted)
    return services


@pytest_asyncio.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(services.settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers={"accept": "text/html"}) as c:
        yield c


def parents_pages(services: Services) -> list[str]:
    centre = create_link(services.engine, "centre", "T-001", "worker", title="推荐：测试托育园")
    community = create_link(services.engine, "community", "阿勒腾席热镇", "worker", title="天骄社区托育宣传")
    campaign = create_link(services.engine, "campaign", "/leave", "worker", title="算一算您的产假")
    point = create_link(services.engine, "community", "39.6,109.76", "worker")
    return [
        "/", "/?lat=39.6&lon=109.76", "/?lat=39.6&lon=109.76&inclusive=0&age_months=12&mode=hourly",
        "/?place=天骄社区", "/?place=火星基地一号", "/?lat=95&lon=0", "/?lat=39.6&lon=109.76&age_months=99",
        "/?lat=39.8&lon=109.76",  # nothing within the walk: the nearest further away
        "/?lat=45&lon=90",  # nothing within 20 km either
        "/centres/T-001", "/centres/T-004", "/centres/NOPE",
        "/check", "/check?q=测试", "/check?q=不存在的机构",
        "/leave", "/leave?region=150000&birth_date=2025-03-01&babies=2&difficult_birth=1",
        "/leave?region=440000&birth_date=2025-03-01", "/leave?region=310000&birth_date=2023-01-01&birth_order=3",
        "/leave?region=火星&birth_date=2025-03-01", "/leave?region=150000",
        "/guidance", "/guidance?age_months=0", "/guidance?age_months=6", "/guidance?q=fever", "/guidance?age_months=99",
        "/guidance/fever", "/guidance/choosing-childcare", "/guidance/prepare-for-baby", "/guidance/rashes",
        "/guidance/fever?locale=en", "/guidance/no-such-article",
        "/chat", "/privacy", "/no-such-page",
        f"/s/{centre.code}", f"/s/{community.code}", f"/s/{campaign.code}", f"/s/{point.code}", "/s/nope",
        f"/s/{centre.code}/poster", f"/s/{community.code}/poster",
    ]


def names_of(services: Services) -> list[str]:
    centres = list(services.registry.snapshot().by_id.values())
    return [*(c.name for c in centres), *(c.address for c in centres), *(c.operator or "" for c in centres),
            "推荐：测试托育园", "天骄社区托育宣传", "算一算您的产假", *TYPED]


@pytest.mark.asyncio
async def test_every_parents_page_in_english_has_no_chinese_outside_names(client: httpx.AsyncClient,
                                                                          services: Services) -> None:
    problems = {}
    for path in parents_pages(services):
        answer = await client.get(path, params={"lang": "en"})
        assert answer.status_code in (200, 404, 422), path
        assert '<html lang="en">' in answer.text, path
        if found := chinese_outside_names(answer.text, names_of(services)):
            problems[path] = found
    assert problems == {}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.asyncio
async def test_every_admin_page_in_english_has_no_chinese(client: httpx.AsyncClient, page: str) -> None:
    answer = await client.get("/admin" if page == "index" else f"/admin/{page}", params={"lang": "en"})
    assert answer.status_code == 200 and '<html lang="en">' in answer.text
    assert chinese_outside_names(answer.text, []) == []


@pytest.mark.asyncio
async def test_the_chinese_pages_are_chinese(client: httpx.AsyncClient, services: Services) -> None:
    for path in ("/", "/leave", "/guidance", "/admin/links"):
        answer = await client.get(path, params={"lang": "zh"})
        assert '<html lang="zh-CN">' in answer.text
        assert not re.search(r"\b(Find childcare|Province where you work|Share links)\b", answer.text), path


def test_the_test_itself_finds_chinese_where_it_should() -> None:
    assert chinese_outside_names("<p>Find 托育</p>", []) == ["Find 托育"]
    assert chinese_outside_names('<p translate="no">测试托育园</p><cite>《条例》</cite>', []) == []
    assert chinese_outside_names('<p>Call <span lang="zh-CN">备案</span></p>', []) == []
    assert chinese_outside_names('<input placeholder="如：天骄社区">', []) == ["<input placeholder>: 如：天骄社区"]
    assert chinese_outside_names("<title>测试托育园 · carecircle</title>", ["测试托育园"]) == []


# --- the catalogue (its completeness, placeholders and use: tests/test_bilingual.py) ------------------------


def test_every_domain_value_the_pages_show_has_its_message() -> None:
    from content.guidance import Topic
    from geodata.centre import DemoLevel, Kind, Mode, Status

    keys = set(catalogue())
    for prefix, values in (("kind", Kind), ("status", Status), ("mode", Mode), ("demo", DemoLevel), ("topic", Topic)):
        for value in values:
            assert f"{prefix}.{value.value}" in keys, (prefix, value)
