"""Staff routes' dependency: a bearer token with one of the roles a route admits (FastAPI).

Kept apart from api.auth (tokens and the audit log) so that the CLI's token commands import no web framework.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import Role, Staff, find_staff

bearer = HTTPBearer(auto_error=False, description="a staff token from `carecircle tokens create`")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def require_role(*roles: Role) -> Callable[..., Staff]:
    """A dependency that admits a live token of one of `roles`: 401 without a live token, 403 for another role."""

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
