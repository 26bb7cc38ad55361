"""What every command shares: lazily read settings, the migrated store, JSON output and clean errors."""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:  # imported when first used: `leave` and `guidance` need neither settings nor services
    from sqlalchemy import Engine

    from api.services import Services
    from api.settings import Settings


@cache
def settings() -> Settings:
    from pydantic import ValidationError

    from api.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"CARECIRCLE_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        fail(f"配置有误 / bad configuration: {problems}")


@cache
def services() -> Services:
    """The process's services, wired once from the settings (the store is created or migrated here)."""
    return wire(settings())


def wire(current: Settings) -> Services:
    """Services for these settings, or a clear error naming the setting that is wrong."""
    from api.services import build_services
    from geodata.streets import StreetNetworkError

    try:
        return build_services(current)
    except StreetNetworkError as exc:
        fail(f"CARECIRCLE_STREETS_FILE: {exc}")


def reset() -> None:
    """Forget the wired services and settings (tests run many commands in one process)."""
    if services.cache_info().currsize:
        services().engine.dispose()
    if store.cache_info().currsize:
        store().dispose()
    store.cache_clear()
    services.cache_clear()
    settings.cache_clear()


@cache
def store() -> Engine:
    """The migrated store alone, for commands that need no other service (`tokens`): no index, no bot."""
    if services.cache_info().currsize:
        return services().engine
    from api.db import open_store

    return open_store(settings().database_url)


def say(message: str) -> None:
    """A message for people: always standard error, so --json output stays pure."""
    typer.echo(message, err=True)


def print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def fail(message: str, code: int = 2) -> NoReturn:
    say(f"错误 / error: {message}")
    raise typer.Exit(code)
