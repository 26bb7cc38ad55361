"""What every command shares: lazily read settings, the migrated store, JSON output and clean errors."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

from api.i18n import msg

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
        fail(msg("cli.bad_configuration", problems=problems).both())


@cache
def services() -> Services:
    """The process's services, wired once from the settings (the store is created or migrated here)."""
    return wire(settings())


def wire(current: Settings, *, sleep: Callable[[float], None] = time.sleep,
         clock: Callable[[], float] = time.monotonic) -> Services:
    """Services for these settings, or a clear error naming the setting that is wrong (the store waited for, see
    wait_for_store)."""
    from api.services import build_services
    from geodata.streets import StreetNetworkError

    def build() -> Services:
        try:
            return build_services(current)
        except StreetNetworkError as exc:
            fail(f"CARECIRCLE_STREETS_FILE: {exc}")

    return wait_for_store(current, build, sleep=sleep, clock=clock)


T = TypeVar("T")


def wait_for_store(current: Settings, connect: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep,
                   clock: Callable[[], float] = time.monotonic) -> T:
    """`connect()`, retried with backoff for CARECIRCLE_STORE_WAIT_SECONDS while a server store cannot be reached
    (a database that starts after the service, as in a compose file), with one line saying so, never a
    traceback. A store that answers but fails, or a SQLite file that cannot be opened, fails at once."""
    from sqlalchemy.exc import SQLAlchemyError

    from api.db import describe_store, is_store_outage, store_problem

    deadline = clock() + current.store_wait_seconds
    delay = 0.5
    announced = False
    while True:
        try:
            return connect()
        except SQLAlchemyError as exc:
            where, problem = describe_store(current.database_url), store_problem(exc)
            if not is_store_outage(exc):
                fail(f"{msg('cli.store_failed', where=where).both()}: {problem}", code=1)
            left = deadline - clock()
            if left <= 0 or current.database_url.startswith("sqlite"):
                said = msg("cli.store_gave_up", where=where, seconds=f"{current.store_wait_seconds:g}") if announced \
                    else msg("cli.store_unreachable", where=where)
                fail(f"{said.both()}: {problem}", code=1)
            if not announced:
                seconds = f"{current.store_wait_seconds:g}"
                say(f"{msg('cli.store_waiting', where=where, seconds=seconds).both()}: {problem}")
                announced = True
            sleep(min(delay, left))
            delay = min(delay * 2, 5.0)


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

    current = settings()
    return wait_for_store(current, lambda: open_store(current.database_url, current.store_timeout_seconds))


def say(message: str) -> None:
    """A message for people: always standard error, so --json output stays pure."""
    typer.echo(message, err=True)


def print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def fail(message: str, code: int = 2) -> NoReturn:
    say(f"{msg('cli.error').both()}: {message}")
    raise typer.Exit(code)


def say_import_report(report: Any, dry_run: bool) -> None:
    """An import's outcome for people (standard error): counts, then each rejected row with its reasons."""
    counts = {"accepted": len(report.accepted), "rejected": len(report.rejected)}
    say(msg("cli.would_import" if dry_run else "cli.imported", **counts).lines())
    for r in report.rejected:
        say("  " + msg("cli.row", row=r.row, id=r.id or "—").both())
        for e in r.errors:
            say(f"    - {e}")
    for w in getattr(report, "warnings", ()):
        say(f"  第 {w.row} 行 row {w.row} (id: {w.id or '—'}) 提醒 warning: {w.field}: {w.message}")


def run_import(file: Path, read: Callable[[Callable[[int], Any]], Any], save: Callable[[Any], Any] | None,
               engine: Engine, action: str, *, dry_run: bool, as_json: bool) -> NoReturn:
    """An import command: check every row (with a progress bar), store the good rows unless it is a dry run (and
    audit it), report, and exit 1 if any row was rejected (2 if the file as a whole is unusable). `save` None:
    `read` stores and audits the rows itself (the registry's import, with each centre's history)."""
    from tqdm import tqdm

    from geodata.tables import UnusableFile

    with tqdm(desc=msg("cli.checking").both(), unit=msg("cli.rows").en, file=sys.stderr, disable=None,
              mininterval=0.5) as bar:
        try:
            report = read(bar.update)
        except UnusableFile as exc:
            fail(msg("api.nothing_imported", problem=str(exc)).both())
    if not dry_run and report.accepted and save is not None:
        save(report.accepted)
        from api.auth import audit  # it imports the web framework: only an import needs it

        audit(engine, "cli", action, file.name, {"accepted": len(report.accepted), "rejected": len(report.rejected)})
    if as_json:
        print_json(report.as_json())
    else:
        say_import_report(report, dry_run)
    raise typer.Exit(1 if report.rejected else 0)
