"""Staff access: per-person bearer tokens with a role, stored only as SHA-256 hashes, and the audit log.

A route declares the roles it admits with `require_role(...)`: a missing, unknown or revoked token gets 401,
and a valid token of another role gets 403.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine, select, update

from api.store import staff_tokens
from geodata.store import write_audit

TOKEN_PREFIX = "cc_"


class Role(StrEnum):
    health_staff = "health_staff"
    registry_admin = "registry_admin"
    community_worker = "community_worker"


class TokenError(ValueError):
    """A token request that cannot be done; the message names the problem."""


@dataclass(frozen=True)
class Staff:
    name: str
    role: Role


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(engine: Engine, name: str, role: Role | str) -> str:
    """A new token for one person; returns it (it is shown once and stored only as a hash). A revoked
    name may be given a new token; a name with a live token may not."""
    name = name.strip()
    if not name or len(name) > 80:
        raise TokenError("--name: 1 to 80 characters")
    try:
        role = Role(role)
    except ValueError:
        raise TokenError(f"--role: must be one of {', '.join(Role)}, got {role!r}") from None
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
        write_audit(conn, "cli", "token.create", name, {"role": role.value})
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
        rows = conn.execute(select(staff_tokens.c.name, staff_tokens.c.role, staff_tokens.c.created_at,
                                   staff_tokens.c.revoked_at).order_by(staff_tokens.c.name)).all()
    return [{"name": r.name, "role": r.role, "created_at": str(r.created_at),
             "revoked_at": str(r.revoked_at) if r.revoked_at else None} for r in rows]


def find_staff(engine: Engine, token: str) -> Staff | None:
    with engine.connect() as conn:
        row = conn.execute(select(staff_tokens.c.name, staff_tokens.c.role).where(
            staff_tokens.c.token_hash == hash_token(token), staff_tokens.c.revoked_at.is_(None))).first()
    return Staff(row.name, Role(row.role)) if row else None


def audit(engine: Engine, actor: str, action: str, target: str | None = None,
          detail: dict[str, Any] | None = None) -> None:
    with engine.begin() as conn:
        write_audit(conn, actor, action, target, detail)


bearer = HTTPBearer(auto_error=False, description="a staff token from `carecircle tokens create`")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def require_role(*roles: Role) -> Callable[..., Staff]:
    """A dependency that admits a live token of one of `roles`."""

    def dependency(request: Request, credentials: BearerDep) -> Staff:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise HTTPException(401, "需要工作人员令牌 / a staff token is required (Authorization: Bearer …)",
                                headers={"WWW-Authenticate": "Bearer"})
        staff = find_staff(request.app.state.services.engine, credentials.credentials)
        if staff is None:
            raise HTTPException(401, "令牌无效或已撤销 / unknown or revoked token",
                                headers={"WWW-Authenticate": "Bearer"})
        if staff.role not in roles:
            raise HTTPException(403, f"此操作需要角色 / this needs the role: {', '.join(roles)}")
        return staff

    return dependency
