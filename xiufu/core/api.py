"""The API's error handling: one body everywhere, ``{"code", "message", "details"}``."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from xiufu.core.errors import DomainError, ErrorCode

logger = logging.getLogger("xiufu.api")

# Pydantic error types → our stable codes and a reason in the request's language.
_PYDANTIC_CODES = {
    "extra_forbidden": (ErrorCode.UNKNOWN_FIELD, gettext_lazy("不允许的字段")),
    "missing": (ErrorCode.MISSING_FIELD, gettext_lazy("缺少必填字段")),
}
_STATUS_CODES = {
    400: ErrorCode.MALFORMED_JSON,
    401: ErrorCode.NOT_AUTHENTICATED,
    403: ErrorCode.PERMISSION_DENIED,
    404: ErrorCode.NOT_FOUND,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.BODY_TOO_LARGE,
    429: ErrorCode.RATE_LIMITED,
}
_STATUS_MESSAGES = {
    400: gettext_lazy("请求内容无法解析，请提交合法的 JSON。"),
    401: gettext_lazy("请先登录，或在 Authorization 头中提供有效的接口令牌。"),
    403: gettext_lazy("您没有执行此操作的权限。"),
    404: gettext_lazy("未找到该对象。"),
    429: gettext_lazy("请求过于频繁，请稍后再试。"),
}


class Utf8JSONRenderer(JSONRenderer):
    """JSON with Chinese text as it is, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, details: Any = None
) -> HttpResponse:
    body = {"code": str(code), "message": message, "details": details or {}}
    return api.create_response(request, body, status=status)


def _field_path(loc: list[Any]) -> str:
    # ninja prefixes the location with where it came from: body/query/path and the param name.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "form", "header", "cookie"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"payload", "data", "filters"}:
            parts = parts[1:]
    return ".".join(parts)


def describe_validation_errors(errors: list[dict[str, Any]]) -> tuple[str, str, list[dict]]:
    described = []
    for error in errors:
        field = _field_path(list(error.get("loc", ())))
        kind = error.get("type", "value_error")
        context = error.get("ctx") or {}
        code, known_reason = _PYDANTIC_CODES.get(kind, (kind, error.get("msg", "")))
        reason = str(known_reason)
        if "reason" in context:  # our own identifier errors carry a precise reason
            reason = context["reason"]
        message = context.get("message") or (
            _("%(field)s：%(reason)s") % {"field": field, "reason": reason} if field else reason
        )
        described.append({"field": field, "code": str(code), "reason": reason, "message": message})
    first = (
        described[0] if described else {"code": ErrorCode.INVALID_INPUT, "message": _("输入无效")}
    )
    known = {c.value for c in ErrorCode} | {"invalid_uscc", "invalid_id_number"}
    code = first["code"] if first["code"] in known else ErrorCode.INVALID_INPUT
    return code, first["message"], described


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return error_response(api, request, exc.status, exc.code, exc.message, exc.details)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        code, message, described = describe_validation_errors(list(exc.errors))
        return error_response(api, request, 422, code, message, {"errors": described})

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api, request, 401, ErrorCode.NOT_AUTHENTICATED, str(_STATUS_MESSAGES[401])
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        code = _STATUS_CODES.get(status, ErrorCode.INVALID_INPUT)
        return error_response(
            api, request, status, code, str(_STATUS_MESSAGES.get(status, str(exc)))
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, ErrorCode.NOT_FOUND, str(_STATUS_MESSAGES[404]))

    @api.exception_handler(DjangoPermissionDenied)
    def forbidden(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
        return error_response(
            api, request, 403, ErrorCode.PERMISSION_DENIED, str(_STATUS_MESSAGES[403])
        )

    @api.exception_handler(Exception)
    def internal_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("unhandled API error", extra={"path": request.path})
        return error_response(
            api, request, 500, ErrorCode.INTERNAL_ERROR, _("服务器内部错误，已记录，请稍后再试。")
        )


def actor(request: HttpRequest) -> Any:
    """The authenticated user of an API request (set by the session or token auth)."""
    return request.auth  # type: ignore[attr-defined]


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
