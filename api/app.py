"""The FastAPI application, wired in one place: create_app(settings)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from api import docs, errors, web
from api.routes import admin, cases, centre_portal, centres, pages, parents, share, telegram
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
        docs_url=None, redoc_url=None,  # served by api.docs from local files, never a CDN
    )
    app.state.services = wired

    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    for module in (centres, centre_portal, cases, parents, admin, telegram, share, pages):
        app.include_router(module.router)
    web.install(app, settings)
    errors.install(app)  # one error shape for /api/… (after web.install: pages keep their HTML errors)
    docs.install(app)
    return app


def _telegram_lifespan(settings: Settings, services: Services) -> Any:
    """With a token, the bot (webhook with CARECIRCLE_PUBLIC_URL, else polling) and the sender run alongside."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.telegram_token is None:
            yield
            services.engine.dispose()
            return
        application = build_application(settings.telegram_token.get_secret_value(), services.dialogue,
                                        base_url=settings.telegram_api_url,
                                        on_blocked=services.subscriptions.mark_blocked)
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        async with serving(application, public_url=settings.public_url, secret=secret,
                           background=[services.run_sender]) as webhook:
            app.state.telegram_webhook = webhook
            yield
        services.engine.dispose()

    return lifespan
