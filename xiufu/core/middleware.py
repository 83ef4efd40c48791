"""Request guards that apply to every page and API call."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import ngettext

from xiufu.core.errors import ErrorCode

# The pages load nothing from elsewhere; htmx and styles are served from our own static files.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)


class BodySizeLimitMiddleware:
    """Refuses a request whose declared body is larger than the configured limit, before reading it.

    Uploads (multipart) have their own, larger limits enforced where they are received.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        content_type = request.META.get("CONTENT_TYPE", "")
        limit = settings.MAX_REQUEST_BODY_BYTES
        if not content_type.startswith("multipart/form-data") and (length < 0 or length > limit):
            # This runs before LocaleMiddleware: pick the request's language here.
            with translation.override(translation.get_language_from_request(request)):
                message = ngettext(
                    "请求内容过大：最多允许 %(limit)s 字节。",
                    "请求内容过大：最多允许 %(limit)s 字节。",
                    limit,
                ) % {"limit": limit}
            body = {
                "code": ErrorCode.BODY_TOO_LARGE,
                "message": message,
                "details": {"limit_bytes": limit, "declared_bytes": length},
            }
            return JsonResponse(body, status=413, json_dumps_params={"ensure_ascii": False})
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy header to every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response
