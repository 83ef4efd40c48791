from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from xiufu.core.health import check_health


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = check_health()
    body = {
        "status": "ok" if report.ok else "unavailable",
        "database": report.database,
        "migrations_applied": report.migrations_applied,
    }
    return JsonResponse(body, status=200 if report.ok else 503)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Enterprise users go to the portal, staff to their queue."""
    user: Any = request.user
    return redirect("portal:home" if user.is_enterprise_user else "desk:queue")
