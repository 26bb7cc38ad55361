"""`carecircle wechat …`: set up the WeChat Official Account (its menu, a share link's QR code)."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import fail, print_json, say, services, settings
from api.sharelinks import get_link, wechat_qr
from bot.wechat import menu as wechat_menu
from bot.wechat import menu_problems
from messaging.wechat import WeChatApi, WeChatError

wechat = typer.Typer(help="The WeChat Official Account (公众号): its menu and QR codes.", no_args_is_help=True)

Json = Annotated[bool, typer.Option("--json", help="print JSON only")]


def register(app: typer.Typer) -> None:
    app.add_typer(wechat, name="wechat")


def _api() -> WeChatApi:
    current = settings()
    if not current.wechat_api_ready:
        fail("未设置 CARECIRCLE_WECHAT_APP_ID 和 CARECIRCLE_WECHAT_APP_SECRET\n"
             "CARECIRCLE_WECHAT_APP_ID and CARECIRCLE_WECHAT_APP_SECRET are not set")
    api = services().wechat_api
    assert api is not None
    return api


@wechat.command("menu")
def menu(dry_run: Annotated[bool, typer.Option("--dry-run", help="print the menu, do not install it")] = False,
         json: Json = False) -> None:
    """Install the account's menu: 找托育, 育儿 and 产假·更多 (WeChat allows 3 top-level buttons of 5 each)."""
    spec = wechat_menu(settings().public_url or "")
    problems = menu_problems(spec)
    if problems:
        fail("; ".join(problems))
    if json:
        print_json(spec)
    else:
        for top in spec["button"]:
            say(f"{top['name']}: " + "、".join(sub["name"] for sub in top["sub_button"]))
    if dry_run:
        return
    try:
        _api().create_menu(spec)
    except WeChatError as exc:
        fail(f"微信拒绝了菜单 / WeChat refused the menu: {exc}", code=1)
    say("菜单已安装，几分钟内对所有关注者生效 / menu installed; followers see it within minutes")


@wechat.command("qr")
def qr(code: Annotated[str, typer.Argument(help="a share link's code")], json: Json = False) -> None:
    """Make (once) and print the permanent WeChat QR code of a share link (QR_LIMIT_STR_SCENE, scene c-<code>)."""
    api = _api()
    link = get_link(services().engine, code)
    if link is None:
        fail(f"没有短码为 {code} 的分享链接 / no share link with code {code}")
    url = wechat_qr(services().engine, link, api.create_qrcode)
    if url is None:
        fail("微信未能生成二维码 / WeChat did not make the QR code", code=1)
    if json:
        print_json({"code": code, "scene": link.payload, "url": url})
    else:
        typer.echo(url)
