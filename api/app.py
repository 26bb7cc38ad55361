"""The FastAPI application, wired in one place: create_app(settings)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import FastAPI

from api import docs, errors, health, web
from api.routes import (
    admin,
    cases,
    centre_portal,
    centres,
    coverage,
    notices,
    pages,
    parents,
    share,
    telegram,
    wechat,
)
from api.services import Services, build_services
from api.settings import Settings
from api.web import FastJSONResponse
from bot.telegram import build_application, serving

logger = logging.getLogger(__name__)


def create_app(settings: Settings, services: Services | None = None) -> FastAPI:
    wired = services or build_services(settings)
    app = FastAPI(
        title="托育圈 carecircle",
        description="Filed childcare in the 15-minute circle, leave entitlements and parenting guidance.",
        version="0.1.0",
        lifespan=_channels_lifespan(settings, wired),
        default_response_class=FastJSONResponse,
        docs_url=None, redoc_url=None,  # served by api.docs from local files, never a CDN
    )
    app.state.services = wired
    app.state.wechat = wired.wechat_endpoint  # the /wechat callback, when CARECIRCLE_WECHAT_TOKEN is set

    health.install(app, wired)
    for module in (centres, centre_portal, cases, parents, admin, coverage, telegram, wechat, share, notices, pages):
        app.include_router(module.router)
    centres.install_fast_routes(app)
    web.install(app, settings)
    errors.install(app)  # one error shape for /api/… (after web.install: pages keep their HTML errors)
    docs.install(app)
    return app


def _channels_lifespan(settings: Settings, services: Services) -> Any:
    """The messengers' background work while the app serves: with a Telegram token, the bot (webhook with
    CARECIRCLE_PUBLIC_URL, else polling); and a sender for each configured channel (Telegram, WeChat)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The registry's snapshot: built before the first request, then kept current by a background watcher.
        try:
            await asyncio.to_thread(services.registry.snapshot)
        except Exception:  # the store is not reachable yet: the first request (or the watcher) builds it
            logger.warning("the registry could not be loaded at start-up", exc_info=True)
        stop_watching = services.registry.watch()
        try:
            readiness: health.Readiness = app.state.readiness
            senders = [health.watched(readiness, name, job) for name, job in services.senders().items()]
            async with AsyncExitStack() as stack:
                if settings.telegram_token is not None:
                    readiness.channels["telegram"] = "starting"
                    application = build_application(settings.telegram_token.get_secret_value(), services.dialogue,
                                                    base_url=settings.telegram_api_url,
                                                    on_blocked=services.subscriptions.mark_blocked)
                    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
                    app.state.telegram_webhook = await stack.enter_async_context(serving(
                        application, public_url=settings.public_url, secret=secret, background=senders))
                    readiness.channels.pop("telegram")
                    readiness.probes["telegram"] = lambda: "running" if application.running else "stopped"
                    stack.callback(readiness.probes.pop, "telegram")
                elif senders:
                    stop = asyncio.Event()
                    jobs = [asyncio.create_task(job(stop)) for job in senders]
                    for task in jobs:
                        task.add_done_callback(_log_failure)

                    async def stop_jobs() -> None:
                        stop.set()
                        await asyncio.gather(*jobs, return_exceptions=True)

                    stack.push_async_callback(stop_jobs)
                try:
                    yield
                finally:
                    if app.state.wechat is not None:
                        await app.state.wechat.drain()  # answers still on their way go out before we stop
        finally:
            stop_watching()
            services.engine.dispose()

    return lifespan


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception():
        logging.getLogger(__name__).error("background job %s failed", task.get_name(), exc_info=task.exception())
