from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from xiufu.accounts.auth import user_may_sign_in


class ActiveAccountBackend(ModelBackend):
    """Password sign-in for active accounts; an agent also needs a valid power of attorney."""

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and user_may_sign_in(user)
