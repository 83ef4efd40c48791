"""API authentication: the session for the pages, bearer tokens for integrations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from xiufu.accounts.models import ApiToken, hash_token

_LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def user_may_sign_in(user: Any) -> bool:
    if not user.is_active:
        return False
    if user.is_enterprise_user:
        membership = user.membership
        return membership is not None and membership.may_act()
    return True


def user_for_token(key: str) -> Any | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(key)).first()
    if token is None or not token.is_usable() or not user_may_sign_in(token.user):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """Session auth (with ninja's CSRF check) that also refuses a lapsed agent."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        user = super().authenticate(request, key)
        if user is not None and not user_may_sign_in(user):
            return None
        return user


api_auth = [TokenAuth(), ActiveSessionAuth()]
