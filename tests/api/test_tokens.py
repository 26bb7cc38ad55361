"""`carecircle tokens create|revoke|list`: printed once, stored only as a hash, and honoured by the admin API."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx
import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from api.app import create_app
from api.cli import tokens
from api.cli.common import reset, store
from api.services import build_services
from api.settings import Settings
from api.store import staff_tokens


class TokensCli:
    """`carecircle tokens …` on its own store. (Built from api.cli.tokens.register, as api.cli does.)"""

    def __init__(self, url: str) -> None:
        self.url = url
        self.app = typer.Typer(pretty_exceptions_enable=False)
        self.app.callback()(lambda: None)
        tokens.register(self.app)

    def __call__(self, *args: str) -> Any:
        reset()
        try:
            return CliRunner(env={"CARECIRCLE_DATABASE_URL": self.url}).invoke(
                self.app, ["tokens", *args], catch_exceptions=False)
        finally:
            reset()

    def rows(self) -> list[Any]:
        reset()
        with CliRunner(env={"CARECIRCLE_DATABASE_URL": self.url}).isolation(), store().connect() as conn:
            found = conn.execute(select(staff_tokens)).all()
        reset()
        return list(found)


@pytest.fixture
def run(tmp_path) -> TokensCli:  # type: ignore[no-untyped-def]
    return TokensCli(f"sqlite:///{tmp_path / 'tokens.db'}")


def test_create_prints_the_token_once_and_stores_a_hash(run: TokensCli) -> None:
    result = run("create", "--name", "王医生", "--role", "health_staff", "--json")
    assert result.exit_code == 0, result.stderr
    made = json.loads(result.stdout)
    assert set(made) == {"name", "role", "token"} and (made["name"], made["role"]) == ("王医生", "health_staff")
    (row,) = run.rows()
    assert row.token_hash == hashlib.sha256(made["token"].encode()).hexdigest()
    assert made["token"] not in str(tuple(row))
    plain = run("create", "--name", "李网格员", "--role", "community_worker")
    assert plain.exit_code == 0 and plain.stdout.strip().startswith("cc_") and "只显示这一次" in plain.stderr
    listed = json.loads(run("list", "--json").stdout)["tokens"]
    assert [(t["name"], t["role"]) for t in listed] == [("李网格员", "community_worker"), ("王医生", "health_staff")]
    assert "cc_" not in run("list").stdout


@pytest.mark.parametrize(("args", "words"), [
    (["--name", "x", "--role", "admin"], "role"),
    (["--name", "   ", "--role", "health_staff"], "--name"),
])
def test_bad_input_exits_2_with_a_clear_message(run: TokensCli, args: list[str], words: str) -> None:
    result = run("create", *args)
    assert result.exit_code == 2 and words in result.stderr


def test_one_live_token_per_name_and_revoke(run: TokensCli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = json.loads(run("create", "--name", "wang", "--role", "health_staff", "--json").stdout)["token"]
    again = run("create", "--name", "wang", "--role", "health_staff")
    assert again.exit_code == 2 and "revoke it first" in again.stderr
    assert run("revoke", "wang").exit_code == 0
    assert run("revoke", "wang").exit_code == 2  # nothing live to revoke
    second = json.loads(run("create", "--name", "wang", "--role", "registry_admin", "--json").stdout)["token"]
    assert first != second


@pytest.mark.asyncio
async def test_the_api_honours_created_and_revoked_tokens(run: TokensCli) -> None:
    token = json.loads(run("create", "--name", "wang", "--role", "health_staff", "--json").stdout)["token"]
    settings = Settings(database_url=run.url)
    services = build_services(settings)
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        headers = {"Authorization": f"Bearer {token}"}
        assert (await client.get("/api/admin/me", headers=headers)).json() == {"name": "wang", "role": "health_staff"}
        run("revoke", "wang")
        assert (await client.get("/api/admin/me", headers=headers)).status_code == 401
    services.engine.dispose()
