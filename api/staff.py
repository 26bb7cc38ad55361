"""Staff routes' dependency: a bearer token with one of the roles a route admits (FastAPI).

Kept apart from api.auth (tokens and the audit log) so that the CLI's token commands import no web framework.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import Role, Staff, find_staff
from api.errors import ApiError
from api.i18n import msg

bearer = HTTPBearer(auto_error=False, description="a staff token from `carecircle tokens create`")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def require_role(*roles: Role) -> Callable[..., Staff]:
    """A dependency that admits a live token of one of `roles`: 401 without a live token, 403 for another role."""

    def dependency(request: Request, credentials: BearerDep) -> Staff:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise HTTPException(401, msg("api.token_required").both(), headers={"WWW-Authenticate": "Bearer"})
        staff = find_staff(request.app.state.services.engine, credentials.credentials)
        if staff is None:
            raise HTTPException(401, msg("api.token_unknown").both(), headers={"WWW-Authenticate": "Bearer"})
        if staff.role not in roles:
            needed = msg("api.role_needed", roles=", ".join(roles))
            raise ApiError(403, needed.zh, needed.en, code="wrong_role")
        return staff

    return dependency
