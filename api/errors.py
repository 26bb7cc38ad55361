"""One error shape for the whole JSON API (/api/…), in Chinese or English, documented in the OpenAPI document.

    {"error": {"code": "not_found", "message": "没有备案编号为“X”的机构", "field": null}}

`message` is Chinese unless the request asks for English (`?lang=en`, or `Accept-Language` starting with en).
Routes raise ApiError(status, code, zh, en, field); FastAPI's own HTTPException and validation errors, the
middleware's refusals (413, 429) and unexpected failures (500) are put in the same shape. Pages keep their HTML
error pages.

    from api import errors
    errors.install(app)   # after web.install(app, settings)
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.i18n import msg

log = logging.getLogger("carecircle.api")

DEFAULT_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
                 422: "invalid", 429: "rate_limited", 500: "internal_error", 503: "unavailable"}
_INVALID = msg("api.invalid_parameters")
DEFAULT_MESSAGES = {
    400: ("请求有误", "bad request"), 401: ("需要有效的令牌", "a valid token is required"),
    403: ("无权进行此操作", "not allowed"), 404: ("找不到", "not found"),
    405: ("不支持此请求方法", "method not allowed"),
    409: ("与当前状态冲突", "conflicts with the current state"), 413: ("请求内容过大", "request too large"),
    415: ("不支持的内容类型", "unsupported media type"), 422: (_INVALID.zh, _INVALID.en),
    429: ("请求太频繁，请稍后再试", "too many requests; please try again shortly"),
    500: ("服务器出错了，请稍后再试", "something went wrong on the server; please try again later"),
    503: ("服务暂时不可用", "service unavailable"),
}
# Pydantic's error types, said in Chinese; `{…}` are filled from the error's context.
VALIDATION_ZH = {
    "missing": "缺少此项", "greater_than_equal": "应不小于 {ge}", "less_than_equal": "应不大于 {le}",
    "greater_than": "应大于 {gt}", "less_than": "应小于 {lt}", "int_parsing": "应为整数",
    "int_from_float": "应为整数", "float_parsing": "应为数字", "bool_parsing": "应为 true 或 false",
    "string_too_short": "至少 {min_length} 个字符", "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不对", "enum": "应为以下之一：{expected}",
    "literal_error": "应为以下之一：{expected}",
    "date_parsing": "应为 YYYY-MM-DD 日期", "date_from_datetime_parsing": "应为 YYYY-MM-DD 日期",
    "datetime_parsing": "应为日期时间", "datetime_from_date_parsing": "应为日期时间", "extra_forbidden": "不接受此项",
    "json_invalid": "不是有效的 JSON", "model_attributes_type": "应为 JSON 对象", "dict_type": "应为 JSON 对象",
    "list_type": "应为列表", "string_type": "应为文字", "int_type": "应为整数", "float_type": "应为数字",
    "bool_type": "应为 true 或 false", "value_error": "值无效", "too_long": "项目太多（最多 {max_length} 项）",
    "too_short": "项目太少（至少 {min_length} 项）", "finite_number": "应为有限数字",
    "date_from_datetime_inexact": "应为日期", "uuid_parsing": "格式不对", "date_type": "应为日期",
}


class ErrorBody(BaseModel):
    code: str = Field(description="machine-readable, e.g. not_found, invalid, forbidden")
    message: str = Field(description="for people: Chinese, or English with ?lang=en or Accept-Language: en")
    field: str | None = Field(None, description="the parameter or body field at fault, if one is")


class ErrorResponse(BaseModel):
    """Every 4xx/5xx answer of /api/…"""

    error: ErrorBody


class ApiError(Exception):
    """An error answer of the JSON API, with its message in both languages."""

    def __init__(self, status: int, zh: str, en: str, *, code: str | None = None, field: str | None = None,
                 headers: Mapping[str, str] | None = None):
        super().__init__(f"{zh} / {en}")
        self.status, self.zh, self.en, self.field = status, zh, en, field
        self.code = code or DEFAULT_CODES.get(status, "error")
        self.headers = dict(headers or {})


def wants_english(query: Mapping[str, str], accept_language: str | None) -> bool:
    lang = query.get("lang")
    if lang in ("en", "zh"):
        return lang == "en"
    first = (accept_language or "").split(",")[0].strip().lower()
    return first.startswith("en")


def error_json(status: int, zh: str, en: str, *, english: bool, code: str | None = None,
               field: str | None = None) -> dict[str, Any]:
    return {"error": {"code": code or DEFAULT_CODES.get(status, "error"), "message": en if english else zh,
                      "field": field}}


# The framework's own English details, said in both languages.
STOCK_DETAILS = {
    "There was an error parsing the body": ("请求内容无法解析", "the request body could not be read"),
    "Not Found": DEFAULT_MESSAGES[404], "Method Not Allowed": DEFAULT_MESSAGES[405],
}


def split_message(detail: Any, status: int) -> tuple[str, str]:
    """An older "中文 / English" detail as its two halves; a plain one stands for both."""
    if not isinstance(detail, str) or not detail:
        return DEFAULT_MESSAGES.get(status, ("出错了", "error"))
    if detail in STOCK_DETAILS:
        return STOCK_DETAILS[detail]
    zh, sep, en = detail.partition(" / ")
    return (zh, en) if sep else (detail, detail)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _english(request: Request) -> bool:
    return wants_english(request.query_params, request.headers.get("accept-language"))


def respond(request: Request, error: ApiError) -> JSONResponse:
    return JSONResponse(error_json(error.status, error.zh, error.en, english=_english(request), code=error.code,
                                   field=error.field), status_code=error.status, headers=error.headers or None)


def _validation_problem(error: Mapping[str, Any]) -> tuple[str, str, str]:
    """(field, 中文, English) for one pydantic error."""
    loc = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body", "header", "form")]
    field = ".".join(loc) or "body"
    context = {k: v for k, v in (error.get("ctx") or {}).items()}
    zh_part, sep, en_part = str(context.get("error", "")).partition(" / ")
    if error.get("type") == "value_error" and sep:  # our own validators say both: "中文 / English"
        return field, f"{field}：{zh_part}", f"{field}: {en_part}"
    try:
        zh = VALIDATION_ZH.get(error.get("type", ""), "值无效").format(**context)
    except (KeyError, IndexError, ValueError):
        zh = "值无效"
    return field, f"{field}：{zh}", f"{field}: {error.get('msg', 'invalid')}"


def install(app: FastAPI) -> None:
    """The handlers, and the shape in the OpenAPI document. Call after web.install (pages keep its handler)."""
    page_handler = app.exception_handlers.get(StarletteHTTPException)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if not is_api(request) and page_handler is not None:
            result = page_handler(request, exc)
            return await result if isinstance(result, Awaitable) else result
        zh, en = split_message(exc.detail, exc.status_code)
        return JSONResponse(error_json(exc.status_code, zh, en, english=_english(request)),
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return respond(request, exc)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = [_validation_problem(e) for e in exc.errors()]
        field, zh, en = problems[0] if problems else ("body", *DEFAULT_MESSAGES[422])
        if len(problems) > 1:
            zh += f"（另有 {len(problems) - 1} 处）"
            en += f" (and {len(problems) - 1} more)"
        return JSONResponse(error_json(422, zh, en, english=_english(request), field=field), status_code=422)

    async def crashed(request: Request, exc: Exception) -> Response:
        log.error("unhandled error on %s %s: %s", request.method, request.url.path, type(exc).__name__,
                  exc_info=exc)
        return JSONResponse(error_json(500, *DEFAULT_MESSAGES[500], english=_english(request)), status_code=500)

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(Exception, crashed)
    app.openapi = _openapi_with_errors(app)  # type: ignore[method-assign]


ERROR_STATUSES = {"400": "the request cannot be read (a NUL byte in the address, a body that is not UTF-8)",
                  "401": "no valid token", "403": "not allowed (role, centre or field)", "404": "not found",
                  "409": "conflicts with the current state", "413": "request too large", "422": "invalid parameters",
                  "429": "too many requests (Retry-After)", "500": "server error",
                  "503": "the store is unavailable just now (Retry-After)"}
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before asking again", "required": True,
                               "schema": {"type": "integer", "minimum": 1}}}


def _openapi_with_errors(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """Every /api operation documents the error shape for the 4xx/5xx answers it may give."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorBody"] = ErrorBody.model_json_schema()
        components["ErrorResponse"] = {
            "title": "ErrorResponse", "type": "object", "required": ["error"],
            "properties": {"error": {"$ref": "#/components/schemas/ErrorBody"}},
            "description": "Every 4xx/5xx answer of /api/…: message in Chinese, or English with ?lang=en or "
                           "Accept-Language: en.",
        }
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
        for path, operations in schema.get("paths", {}).items():
            if not path.startswith("/api/"):
                continue
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                wanted = {"400", "422", "429", "500", "503"}
                if operation.get("security") or any("Bearer" in str(s) for s in operation.get("security", [])):
                    wanted |= {"401", "403"}
                if "{" in path:
                    wanted.add("404")
                if "requestBody" in operation:
                    wanted.add("413")
                for status in sorted(wanted | {s for s in responses if s[:1] in "45"}):
                    entry = responses.setdefault(status, {"description": ERROR_STATUSES.get(status, "error")})
                    entry["content"] = content
                    if status in ("429", "503"):
                        entry["headers"] = RETRY_AFTER
        app.openapi_schema = schema
        return schema

    return openapi
