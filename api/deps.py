"""FastAPI dependency aliases: the services wired by create_app, injected into routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.services import Services
from geodata.registry import Registry


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def get_registry(request: Request) -> Registry:
    return get_services(request).registry


ServicesDep = Annotated[Services, Depends(get_services)]
RegistryDep = Annotated[Registry, Depends(get_registry)]
