"""The Telegram webhook: Telegram posts each update here when the bot runs in webhook mode.

The app's lifespan puts a bot.telegram.Webhook on app.state.telegram_webhook while the bot runs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse, Response

from api.i18n import msg
from bot.telegram import WEBHOOK_PATH, Webhook

router = APIRouter(tags=["telegram"])


@router.post(WEBHOOK_PATH, include_in_schema=False)
async def telegram_webhook(
    request: Request,
    x_telegram_bot_api_secret_token: Annotated[str | None, Header()] = None,
) -> Response:
    webhook: Webhook | None = getattr(request.app.state, "telegram_webhook", None)
    if webhook is None:
        return _error(404, msg("api.no_webhook").both())
    if not webhook.accepts(x_telegram_bot_api_secret_token):
        return _error(403, msg("api.bad_secret").both())
    try:
        await webhook.receive(await request.json())
    except ValueError as exc:  # bad JSON, or JSON that is not an update
        return _error(400, f"body: {exc}")
    return Response(status_code=200)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": message})
