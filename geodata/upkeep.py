"""Keeping the registry current: whole-file imports, one centre at a time, and each centre's own data.

Every write goes through the store in one transaction that first bumps the registry version (so replicas
rebuild within their refresh interval, and writers queue), and records each change of a filing field as a
dated event in the centre's public history.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from common import write_audit
from geodata.centre import ALL_FIELDS, FIELD_LABELS, Centre, check_row
from geodata.crs import Crs
from geodata.importer import MAX_FILE_BYTES, RegistryReport, read_registry_file
from geodata.regions import china_today
from geodata.registry import Registry
from geodata.store import Change, lock_registry, read_centre, update_centre


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
                progress: Callable[[int], None] | None = None) -> RegistryReport:
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


# -- one centre at a time ----------------------------------------------------------------------------------

# What a centre's own operator may change (PATCH /api/centre/{id}); anything else is staff's.
CENTRE_OWN_FIELDS = ("vacancies", "fee_min", "fee_max", "hours", "phone", "modes", "min_age_months",
                     "max_age_months")
EDITABLE_FIELDS = tuple(f for f in ALL_FIELDS if f not in ("id", "vacancies_updated_on"))
NEEDS_REASON = ("status", "inclusive", "open_to_public")  # changes of standing are explained in the history
# A fault on one of these fields also concerns its partner: changing capacity may make the stored vacancies
# too many.
PARTNERS = {"vacancies": {"capacity"}, "enrolled": {"capacity"}, "min_age_months": {"max_age_months"},
            "max_age_months": {"min_age_months"}, "fee_min": {"fee_max"}, "fee_max": {"fee_min"}}


class EditError(ValueError):
    """An edit that cannot be made: `status` 404 (unknown centre), 403 (not allowed) or 422 (bad value)."""

    def __init__(self, status: int, field: str | None, zh: str, en: str):
        self.status, self.field, self.zh, self.en = status, field, zh, en
        super().__init__(f"{field}: {zh} / {en}")


def raw_of(centre: Centre) -> dict[str, Any]:
    """A stored centre as a registry row, for check_row."""
    values = {name: getattr(centre, name) for name in ALL_FIELDS}
    values["modes"] = ";".join(m.value for m in centre.modes)
    return {k: (v.value if isinstance(v, Enum) else v) for k, v in values.items()}


def _as_row_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return value


def edit_centre(registry: Registry, centre_id: str, changes: Mapping[str, Any], *, actor: str,
                reason: str | None = None, source: str = "edit", now: datetime | None = None) -> Centre:
    """Change some fields of one centre: checked by the same rules as an import, in effect for every search at
    once (other replicas within their refresh interval), its standing changes dated in the public history.

    Staff (`source="edit"`) give a reason when status, inclusiveness or openness changes. A centre's own
    operator (`source="centre"`) may change only CENTRE_OWN_FIELDS. Vacancies given are dated today."""
    now = now or datetime.now(UTC)
    today = china_today(now)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise EditError(422, unknown[0], f"不能修改此项：{unknown[0]}", f"{unknown[0]} cannot be changed here")
    if source == "centre":
        outside = sorted(set(changes) - set(CENTRE_OWN_FIELDS))
        if outside:
            raise EditError(403, outside[0], f"机构只能更新：{'、'.join(CENTRE_OWN_FIELDS)}",
                            f"a centre may change only {', '.join(CENTRE_OWN_FIELDS)}")
    reason = (reason or "").strip()[:500] or None
    with registry.engine.begin() as conn:
        lock_registry(conn)
        old = read_centre(conn, centre_id)
        if old is None:
            raise EditError(404, None, f"没有备案编号为“{centre_id}”的机构", f"no centre with id '{centre_id}'")
        raw = {**raw_of(old), **{k: _as_row_value(v) for k, v in changes.items()}}
        checked = check_row(raw, is_sample=old.is_sample, today=today)
        changed = set(changes)
        for problem in [*checked.errors, *checked.warnings]:
            fields = set(problem.field.split("/")) if problem.field == "lat/lon" else {problem.field}
            if fields & changed or PARTNERS.get(problem.field, set()) & changed:
                raise EditError(422, problem.field, problem.zh, problem.en)
        if checked.centre is None:  # a stored value fails today's rules, untouched by this edit
            raise EditError(422, checked.errors[0].field, checked.errors[0].zh, checked.errors[0].en)
        new_values = {name: getattr(checked.centre, name) for name in changed}
        if "vacancies" in changed:
            new_values["vacancies_updated_on"] = today if new_values["vacancies"] is not None else None
        new = replace(old, **new_values)
        standing = [f for f in NEEDS_REASON if f in changed and getattr(new, f) != getattr(old, f)]
        if standing and source == "edit" and not reason:
            raise EditError(422, "reason", f"修改{FIELD_LABELS[standing[0]]}时须说明理由（会公示在机构历史中）",
                            f"a change of {standing[0]} needs a reason (it is shown in the centre's history)")
        update_centre(conn, old, new, Change(source, actor, reason), now)
        write_audit(conn, actor, "centre.update" if source == "centre" else "centre.edit", centre_id,
                    {"fields": sorted(changed), **({"reason": reason} if reason else {})})
    registry.changed()
    stored = registry.get(centre_id)
    return stored or new


def reminder(registry: Registry, centre_id: str, *, actor: str, page_url: str) -> dict[str, Any]:
    """A message staff send a centre (by SMS or WeChat) asking it to update its vacancies, with the link to its
    page; recorded in the audit log."""
    centre = registry.get(centre_id)
    if centre is None:
        raise EditError(404, None, f"没有备案编号为“{centre_id}”的机构", f"no centre with id '{centre_id}'")
    since = centre.vacancies_updated_on.isoformat() if centre.vacancies_updated_on else "从未"
    message = (f"【托育圈】{centre.name}：您登记的空余托位最后更新于 {since}。请用机构令牌打开 {page_url} 更新空位、"
               f"收费和服务时间，家长看到的信息会随之更新。")
    with registry.engine.begin() as conn:
        write_audit(conn, actor, "centre.remind", centre_id, {"vacancies_updated_on": since})
    return {"centre_id": centre.id, "url": page_url, "message": message}
