"""The WeChat Official Account callback: URL verification (GET) and messages (POST), at /wechat.

The app puts a bot.wechat.WeChatEndpoint on app.state.wechat when CARECIRCLE_WECHAT_TOKEN is set.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from bot.wechat import PATH, BadRequest, BadSignature, WeChatEndpoint

router = APIRouter(tags=["wechat"])


def _endpoint(request: Request) -> WeChatEndpoint | None:
    return getattr(request.app.state, "wechat", None)


@router.get(PATH, include_in_schema=False)
def verify(request: Request, signature: str = "", timestamp: str = "", nonce: str = "", echostr: str = "") -> Response:
    """WeChat's URL verification: echostr back when the signature is right."""
    endpoint = _endpoint(request)
    if endpoint is None:
        return _error(404, "公众号未配置 / the WeChat channel is not configured (CARECIRCLE_WECHAT_TOKEN)")
    if not endpoint.verify(signature, timestamp, nonce):
        return _error(403, "signature 不正确 / wrong signature")
    return PlainTextResponse(echostr)


@router.post(PATH, include_in_schema=False)
async def receive(request: Request) -> Response:
    """A message or event: a passive reply (XML) or "success", always within 5 seconds."""
    endpoint = _endpoint(request)
    if endpoint is None:
        return _error(404, "公众号未配置 / the WeChat channel is not configured (CARECIRCLE_WECHAT_TOKEN)")
    try:
        answer = await endpoint.receive(dict(request.query_params), await request.body())
    except BadSignature as exc:
        return _error(403, f"signature 不正确 / {exc}")
    except BadRequest as exc:
        return _error(400, f"body: {exc}")
    return Response(answer.body, media_type=answer.media_type)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": message})
