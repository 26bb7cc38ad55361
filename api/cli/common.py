"""What every command shares: lazily read settings, the migrated store, JSON output and clean errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import typer
from pydantic import ValidationError
from sqlalchemy import Engine
from tqdm import tqdm

from api.i18n import msg
from api.services import Services, build_services
from api.settings import Settings
from geodata.tables import UnusableFile


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


def run_import(file: Path, read: Callable[[Callable[[int], Any]], Any], save: Callable[[Any], Any], engine: Engine,
               action: str, *, dry_run: bool, as_json: bool) -> NoReturn:
    """An import command: check every row (with a progress bar), store the good rows unless it is a dry run (and
    audit it), report, and exit 1 if any row was rejected (2 if the file as a whole is unusable)."""
    with tqdm(desc=msg("cli.checking").both(), unit=msg("cli.rows").en, file=sys.stderr, disable=None,
              mininterval=0.5) as bar:
        try:
            report = read(bar.update)
        except UnusableFile as exc:
            fail(msg("api.nothing_imported", problem=str(exc)).both())
    if not dry_run and report.accepted:
        save(report.accepted)
        from api.auth import audit  # it imports the web framework: only an import needs it

        audit(engine, "cli", action, file.name, {"accepted": len(report.accepted), "rejected": len(report.rejected)})
    if as_json:
        print_json(report.as_json())
    else:
        say_import_report(report, dry_run)
    raise typer.Exit(1 if report.rejected else 0)
