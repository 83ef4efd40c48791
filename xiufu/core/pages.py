"""Helpers shared by the portal and the desk pages: who may open a page, and running an action
from a form with its error shown to the user in plain words, in the user's language."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from xiufu.core.errors import DomainError, NotFound

View = Callable[..., HttpResponseBase]


def enterprise_page(view: View) -> View:
    """Only a signed-in enterprise user who may act for its enterprise opens this page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user: Any = request.user
        membership = user.membership if user.is_enterprise_user else None
        if membership is None or not membership.may_act():
            return render(
                request, "forbidden.html", {"why": _("企业门户仅供企业用户使用。")}, status=403
            )
        return _guarded(view, request, *args, **kwargs)

    return wrapper


def _guarded(view: View, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
    """NotFound is a 404; any other DomainError raised while reading is told plainly."""
    try:
        return view(request, *args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:
        return render(request, "forbidden.html", {"why": exc.message}, status=exc.status)


def staff_page(view: View) -> View:
    """Only a signed-in member of staff holding at least one role opens this page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user: Any = request.user
        if not user.is_staff_user or not user.roles:
            return render(
                request,
                "forbidden.html",
                {"why": _("工作台仅供有角色的机构员工使用。")},
                status=403,
            )
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None

    return wrapper


def attempt(request: HttpRequest, action: Callable[[], Any], *, success: str = "") -> Any | None:
    """Run one action for a page. On a DomainError the user is told why (its message, in the
    user's language) and None is returned; nothing was written, the action's transaction rolled
    back."""
    try:
        result = action()
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    if success:
        messages.success(request, success)
    return result


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponseBase:
    """Back to the page the person came from, if it is on this site; else to ``fallback``."""
    back = request.headers.get("referer", "")
    safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure())
    return redirect(back if safe else fallback)
