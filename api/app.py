"""The FastAPI application, wired in one place: create_app(settings)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api import health, web
from api.routes import admin, centres, pages, parents, share, telegram
from api.services import Services, build_services
from api.settings import Settings
from bot.telegram import build_application, serving


def create_app(settings: Settings, services: Services | None = None) -> FastAPI:
    wired = services or build_services(settings)
    app = FastAPI(
        title="托育圈 carecircle",
        description="Filed childcare in the 15-minute circle, leave entitlements and parenting guidance.",
        version="0.1.0",
        lifespan=_telegram_lifespan(settings, wired),
    )
    app.state.services = wired

    @app.exception_handler(RequestValidationError)
    async def _bad_parameters(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [_problem(e) for e in exc.errors()]
        return JSONResponse(status_code=422, content={
            "error": "参数有误 / invalid parameters: " + "; ".join(p["message"] for p in problems),
            "detail": problems,
        })

    health.install(app, wired)
    for module in (centres, parents, admin, telegram, share, pages):
        app.include_router(module.router)
    web.install(app, settings)
    return app


def _telegram_lifespan(settings: Settings, services: Services) -> Any:
    """With a token, the bot (webhook with CARECIRCLE_PUBLIC_URL, else polling) and the sender run alongside."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.telegram_token is None:
            yield
            services.engine.dispose()
            return
        readiness: health.Readiness = app.state.readiness
        readiness.channels.update(telegram="starting", sender="starting")
        application = build_application(settings.telegram_token.get_secret_value(), services.dialogue,
                                        base_url=settings.telegram_api_url,
                                        on_blocked=services.subscriptions.mark_blocked)
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        async with serving(application, public_url=settings.public_url, secret=secret,
                           background=[health.watched(readiness, "sender", services.run_sender)]) as webhook:
            app.state.telegram_webhook = webhook
            readiness.probes["telegram"] = lambda: "running" if application.running else "stopped"
            yield
            readiness.probes.pop("telegram")
            readiness.channels["telegram"] = "stopping"
        services.engine.dispose()

    return lifespan


def _problem(error: Any) -> dict[str, Any]:
    field = ".".join(str(part) for part in error.get("loc", ())[1:]) or "body"
    return {"field": field, "message": f"{field}: {error.get('msg', 'invalid')}"}
