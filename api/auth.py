"""Staff access: per-person bearer tokens with a role, stored only as SHA-256 hashes, and the audit log.

A route declares the roles it admits with `api.staff.require_role(...)`: a missing, unknown or revoked token gets 401,
and a valid token of another role gets 403.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine, column, delete, select, table, update

from api.store import staff_tokens, token_centres
from common import write_audit

__all__ = ["STAFF_ROLES", "Role", "Staff", "TokenError", "audit", "create_token", "find_staff", "list_tokens",
           "revoke_token", "write_audit"]

TOKEN_PREFIX = "cc_"
# The registry's ids, named without importing geodata.store (the token commands stay light).
centres_table = table("centres", column("id"))


class Role(StrEnum):
    health_staff = "health_staff"
    registry_admin = "registry_admin"
    community_worker = "community_worker"
    centre = "centre"  # a centre's operator: its own vacancies, fees, hours, phone, modes and ages


STAFF_ROLES = (Role.health_staff, Role.registry_admin, Role.community_worker)


class TokenError(ValueError):
    """A token request that cannot be done; the message names the problem."""


@dataclass(frozen=True)
class Staff:
    name: str
    role: Role
    centres: frozenset[str] = frozenset()  # for role centre: the centres this token may change


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(engine: Engine, name: str, role: Role | str, centres: Sequence[str] = ()) -> str:
    """A new token for one person; returns it (it is shown once and stored only as a hash). A revoked
    name may be given a new token; a name with a live token may not. A centre token names its centres."""
    name = name.strip()
    if not name or len(name) > 80:
        raise TokenError("--name: 1 to 80 characters")
    try:
        role = Role(role)
    except ValueError:
        raise TokenError(f"--role: must be one of {', '.join(Role)}, got {role!r}") from None
    scope = sorted({c.strip() for c in centres if c.strip()})
    if role is Role.centre and not scope:
        raise TokenError("--centre: a centre token needs at least one centre id (--centre ID)")
    if role is not Role.centre and scope:
        raise TokenError("--centre: only a token of role centre is tied to centres")
    if scope:
        with engine.connect() as conn:
            known = set(conn.execute(select(centres_table.c.id).where(centres_table.c.id.in_(scope))).scalars())
        unknown = [c for c in scope if c not in known]
        if unknown:
            raise TokenError(f"--centre: no centre with id {', '.join(unknown)} in the registry")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        existing = conn.execute(select(staff_tokens).where(staff_tokens.c.name == name)).first()
        values = {"role": role.value, "token_hash": hash_token(token), "created_at": now, "revoked_at": None}
        if existing is None:
            conn.execute(staff_tokens.insert().values(name=name, **values))
        elif existing.revoked_at is None:
            raise TokenError(f"--name: {name!r} already has a token; revoke it first")
        else:
            conn.execute(update(staff_tokens).where(staff_tokens.c.name == name).values(**values))
        token_id = conn.execute(select(staff_tokens.c.id).where(staff_tokens.c.name == name)).scalar_one()
        conn.execute(delete(token_centres).where(token_centres.c.token_id == token_id))
        if scope:
            conn.execute(token_centres.insert(), [{"token_id": token_id, "centre_id": c} for c in scope])
        write_audit(conn, "cli", "token.create", name, {"role": role.value, **({"centres": scope} if scope else {})})
    return token


def revoke_token(engine: Engine, name: str) -> bool:
    """False if there is no live token of that name."""
    with engine.begin() as conn:
        done = conn.execute(update(staff_tokens).where(
            staff_tokens.c.name == name, staff_tokens.c.revoked_at.is_(None)).values(revoked_at=datetime.now(UTC)))
        if done.rowcount:
            write_audit(conn, "cli", "token.revoke", name, None)
        return bool(done.rowcount)


def list_tokens(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(staff_tokens.c.id, staff_tokens.c.name, staff_tokens.c.role,
                                   staff_tokens.c.created_at, staff_tokens.c.revoked_at)
                            .order_by(staff_tokens.c.name)).all()
        scopes: dict[int, list[str]] = {}
        for token_id, centre_id in conn.execute(select(token_centres.c.token_id, token_centres.c.centre_id)
                                                .order_by(token_centres.c.centre_id)):
            scopes.setdefault(token_id, []).append(centre_id)
    return [{"name": r.name, "role": r.role, "created_at": str(r.created_at),
             "revoked_at": str(r.revoked_at) if r.revoked_at else None,
             **({"centres": scopes[r.id]} if r.id in scopes else {})} for r in rows]


def find_staff(engine: Engine, token: str) -> Staff | None:
    with engine.connect() as conn:
        row = conn.execute(select(staff_tokens.c.id, staff_tokens.c.name, staff_tokens.c.role).where(
            staff_tokens.c.token_hash == hash_token(token), staff_tokens.c.revoked_at.is_(None))).first()
        if row is None:
            return None
        scope = frozenset(conn.execute(select(token_centres.c.centre_id).where(
            token_centres.c.token_id == row.id)).scalars()) if row.role == Role.centre.value else frozenset()
    return Staff(row.name, Role(row.role), scope)


def audit(engine: Engine, actor: str, action: str, target: str | None = None,
          detail: dict[str, Any] | None = None) -> None:
    with engine.begin() as conn:
        write_audit(conn, actor, action, target, detail)


def __getattr__(name: str) -> Any:
    """`require_role`, `bearer` and `BearerDep` live in api.staff (FastAPI): the CLI's token commands load no web
    framework. They are still importable from here."""
    if name in ("require_role", "bearer", "BearerDep"):
        from api import staff

        return getattr(staff, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
