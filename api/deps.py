"""FastAPI dependency aliases: the services wired by create_app, injected into routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from api.services import Services
from geodata.registry import Registry


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def get_registry(request: Request) -> Registry:
    services: Services = request.app.state.services
    return services.registry


ServicesDep = Annotated[Services, Depends(get_services)]
RegistryDep = Annotated[Registry, Depends(get_registry)]
# A centre in a route's path: the demo's sample registry has this one, so /docs' "Try it out" finds it.
CentreId = Annotated[str, Path(description="the centre's filing number (备案编号)", examples=["SAMPLE-150627-001"])]
