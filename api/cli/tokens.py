"""`carecircle tokens …`: per-person staff tokens (create, revoke, list). Only hashes are stored."""

from __future__ import annotations

from typing import Annotated

import typer

from api.auth import Role, TokenError, create_token, list_tokens, revoke_token
from api.cli.common import fail, print_json, say, store
from api.i18n import msg

tokens_app = typer.Typer(help="工作人员令牌 / staff tokens", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON only on standard output")]


def register(app: typer.Typer) -> None:
    app.add_typer(tokens_app, name="tokens")


@tokens_app.command("create")
def create(
    name: Annotated[str, typer.Option("--name", help="the person the token belongs to (unique)")],
    role: Annotated[Role, typer.Option("--role", help="what the token may do")],
    centre: Annotated[list[str] | None, typer.Option(
        "--centre", help="for role centre: a centre id it may update (repeatable)")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Create a token for one person. It is printed once and stored only as a hash."""
    try:
        token = create_token(store(), name, role, centre or ())
    except TokenError as exc:
        fail(str(exc))
    if as_json:
        print_json({"name": name.strip(), "role": role.value, "token": token,
                    **({"centres": sorted(set(centre))} if centre else {})})
        return
    say(msg("cli.token_created", name=name.strip(), role=role.value).lines())
    typer.echo(token)


@tokens_app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="whose token to revoke")]) -> None:
    """Revoke a person's token; it stops working at once."""
    if not revoke_token(store(), name):
        fail(msg("cli.no_live_token", name=repr(name)).both())
    say(msg("cli.token_revoked", name=name).both())


@tokens_app.command("list")
def list_(as_json: JsonFlag = False) -> None:
    """Every token's name, role and dates (never the token itself)."""
    tokens = list_tokens(store())
    if as_json:
        print_json({"tokens": tokens})
        return
    for t in tokens:
        state = f"revoked {t['revoked_at'][:19]}" if t["revoked_at"] else "active"
        scope = f"\t{','.join(t['centres'])}" if t.get("centres") else ""
        typer.echo(f"{t['name']}\t{t['role']}\t{t['created_at'][:19]}\t{state}{scope}")
