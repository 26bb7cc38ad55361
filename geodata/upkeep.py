"""Keeping the registry current: whole-file imports, one centre at a time, and each centre's own data.

Every write goes through the store in one transaction that first bumps the registry version (so replicas
rebuild within their refresh interval, and writers queue), and records each change of a filing field as a
dated event in the centre's public history.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from geodata.crs import Crs
from geodata.importer import MAX_FILE_BYTES, ImportReport, read_registry_file
from geodata.registry import Registry
from geodata.store import Change, write_audit


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a bulk import builds 100,000 objects that all stay alive: each
    collection would walk them all again (a third of the import's time). Reference counting still frees."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_file(registry: Registry, path: Path, *, crs: Crs | str = Crs.wgs84, dry_run: bool = False,
                is_sample: bool = False, actor: str = "cli", name: str | None = None,
                max_bytes: int = MAX_FILE_BYTES, on_rows: Callable[[int], None] | None = None,
                progress: Callable[[int], None] | None = None) -> ImportReport:
    """Check a file and (unless a dry run) store its good rows, with their history and an audit entry.

    `on_rows` hears the number of rows once the file is read; `progress` hears each row checked and each row
    saved, so one bar can cover the whole import (rows + accepted). Raises UnusableFile as read_registry_file."""
    shown = name or path.name
    with gc_paused():
        report = read_registry_file(path, crs, is_sample=is_sample, progress=progress, on_rows=on_rows,
                                    max_bytes=max_bytes)
        if not dry_run and report.accepted:
            registry.save(report.accepted, change=Change("import", actor, f"导入 {shown}"[:500]),
                          dated=report.dated, progress=progress)
    if not dry_run:
        with registry.engine.begin() as conn:
            write_audit(conn, actor, "registry.import", shown[:120],
                        {"accepted": len(report.accepted), "rejected": len(report.rejected),
                         "warnings": len(report.warnings)})
    return report
