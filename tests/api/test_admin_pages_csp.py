"""The admin pages over ASGI: nothing inline that the CSP would block; every script and style they load is served."""

from __future__ import annotations

from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import Engine

from api.app import create_app
from api.routes.admin import PAGES
from api.services import build_services
from api.settings import Settings

STATIC = Path(__file__).resolve().parents[2] / "api" / "static"
PAGE_PATHS = {page: "/admin" if page == "index" else f"/admin/{page}" for page in PAGES}


class PageParts(HTMLParser):
    """What a page loads, and anything inline that a CSP of script-src/style-src 'self' blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.inline: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            if values.get("src"):
                self.scripts.append(str(values["src"]))
            else:
                self.inline.append("<script> without src")
        if tag == "style":
            self.inline.append("<style>")
        if tag == "link" and values.get("rel") == "stylesheet":
            self.styles.append(str(values["href"]))
        self.inline += [f"<{tag} {name}=…>" for name, _ in attrs if name == "style" or name.startswith("on")]
        if (values.get("href") or "").startswith("javascript:"):
            self.inline.append(f"<{tag} href=javascript:…>")


@pytest_asyncio.fixture
async def client(sqlite_store: Engine) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(database_url="sqlite://")
    transport = httpx.ASGITransport(app=create_app(settings, build_services(settings, engine=sqlite_store)))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.asyncio
async def test_admin_page_loads_only_its_own_static_files(client: httpx.AsyncClient, page: str) -> None:
    answer = await client.get(PAGE_PATHS[page])
    assert answer.status_code == 200
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    parts = PageParts()
    parts.feed(answer.text)
    assert parts.inline == []
    assert [s.split("?")[0] for s in parts.scripts] == ["/static/admin.js", f"/static/admin-{page}.js"]
    assert [s.split("?")[0] for s in parts.styles] == ["/static/admin.css"]
    for url in parts.scripts + parts.styles:
        served = await client.get(url)
        assert served.status_code == 200, url
        assert served.headers["content-type"].split(";")[0] in ("text/javascript", "application/javascript",
                                                                "text/css"), url
    assert f'data-page="{page}"' in answer.text


def test_admin_scripts_never_put_server_text_in_html() -> None:
    scripts = sorted(STATIC.glob("admin*.js"))
    assert [s.name for s in scripts] == sorted(["admin.js", *(f"admin-{page}.js" for page in PAGES)])
    for script in scripts:
        source = script.read_text(encoding="utf-8")
        for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert risky not in source, f"{script.name} uses {risky}"
