"""What every command shares: lazily read settings, the migrated store, JSON output and clean errors."""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import Any, NoReturn

import typer
from pydantic import ValidationError
from sqlalchemy import Engine

from api.i18n import msg
from api.services import Services, build_services
from api.settings import Settings


@cache
def settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"CARECIRCLE_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        fail(msg("cli.bad_configuration", problems=problems).both())


@cache
def services() -> Services:
    """The process's services, wired once from the settings (the store is created or migrated here)."""
    return wire(settings())


def wire(current: Settings) -> Services:
    """Services for these settings, or a clear error naming the setting that is wrong."""
    from geodata.streets import StreetNetworkError

    try:
        return build_services(current)
    except StreetNetworkError as exc:
        fail(f"CARECIRCLE_STREETS_FILE: {exc}")


def reset() -> None:
    """Forget the wired services and settings (tests run many commands in one process)."""
    if services.cache_info().currsize:
        services().engine.dispose()
    services.cache_clear()
    settings.cache_clear()


def store() -> Engine:
    return services().engine


def say(message: str) -> None:
    """A message for people: always standard error, so --json output stays pure."""
    typer.echo(message, err=True)


def print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def fail(message: str, code: int = 2) -> NoReturn:
    say(f"{msg('cli.error').both()}: {message}")
    raise typer.Exit(code)
