"""The FastAPI application, wired in one place: create_app(settings)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api import web
from api.routes import admin, centres, pages, parents, share, telegram
from api.services import Services, build_services
from api.settings import Settings


def create_app(settings: Settings, services: Services | None = None) -> FastAPI:
    app = FastAPI(
        title="托育圈 carecircle",
        description="Filed childcare in the 15-minute circle, leave entitlements and parenting guidance.",
        version="0.1.0",
    )
    app.state.services = services or build_services(settings)

    @app.exception_handler(RequestValidationError)
    async def _bad_parameters(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [_problem(e) for e in exc.errors()]
        return JSONResponse(status_code=422, content={
            "error": "参数有误 / invalid parameters: " + "; ".join(p["message"] for p in problems),
            "detail": problems,
        })

    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    for module in (centres, parents, admin, telegram, share, pages):
        app.include_router(module.router)
    web.install(app, settings)
    return app


def _problem(error: Any) -> dict[str, Any]:
    field = ".".join(str(part) for part in error.get("loc", ())[1:]) or "body"
    return {"field": field, "message": f"{field}: {error.get('msg', 'invalid')}"}
