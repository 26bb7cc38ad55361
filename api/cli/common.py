"""What every command shares: lazily read settings, the migrated store, JSON output and clean errors."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from functools import cache
from typing import Any, NoReturn

import typer
from pydantic import ValidationError
from sqlalchemy import Engine

from api.services import Services, build_services
from api.settings import Settings


@cache
def settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"CARECIRCLE_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        fail(f"配置有误 / bad configuration: {problems}")


@cache
def services() -> Services:
    """The process's services, wired once from the settings (the store is created or migrated here)."""
    return wire(settings())


def wire(current: Settings, *, sleep: Callable[[float], None] = time.sleep,
         clock: Callable[[], float] = time.monotonic) -> Services:
    """Services for these settings, or a clear error naming the setting that is wrong.

    A server store that cannot be reached is retried with backoff for CARECIRCLE_STORE_WAIT_SECONDS (a database
    that starts after the service, as in a compose file), with one line saying so, never a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    from api.db import describe_store, is_store_outage, store_problem
    from geodata.streets import StreetNetworkError

    deadline = clock() + current.store_wait_seconds
    delay = 0.5
    announced = False
    while True:
        try:
            return build_services(current)
        except StreetNetworkError as exc:
            fail(f"CARECIRCLE_STREETS_FILE: {exc}")
        except SQLAlchemyError as exc:
            where = describe_store(current.database_url)
            if not is_store_outage(exc):
                fail(f"CARECIRCLE_DATABASE_URL: the store at {where} failed: {store_problem(exc)}", code=1)
            left = deadline - clock()
            retrying = left > 0 and not current.database_url.startswith("sqlite")
            if not retrying:
                fail(f"存储不可用 / the store at {where} is unreachable"
                     f"{f' after {current.store_wait_seconds:g} s' if announced else ''}: {store_problem(exc)}",
                     code=1)
            if not announced:
                say(f"存储暂不可用，{current.store_wait_seconds:g} 秒内重试 / the store at {where} is unreachable "
                    f"({store_problem(exc)}); retrying for up to {current.store_wait_seconds:g} s")
                announced = True
            sleep(min(delay, left))
            delay = min(delay * 2, 5.0)


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
    say(f"错误 / error: {message}")
    raise typer.Exit(code)
