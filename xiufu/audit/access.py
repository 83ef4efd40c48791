"""The convention for reading credit data: every read goes through an ``AccessContext``.

Selectors that return an enterprise's credit records or a person's full identifier take an
``AccessContext`` and call ``log_access`` before returning, so that no read can forget the log.
A staff read must state its purpose; an enterprise reading its own records is logged as a
self-query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from xiufu.audit.choices import AccessChannel, AccessPurpose
from xiufu.audit.models import CreditDataAccess
from xiufu.core.errors import ErrorCode, InvalidInput

STAFF_PURPOSES = [p for p in AccessPurpose.values if p != AccessPurpose.SELF_QUERY]


@dataclass(frozen=True)
class AccessContext:
    actor: Any
    purpose: str
    channel: str = AccessChannel.API
    purpose_note: str = ""
    ip_address: str | None = None

    @classmethod
    def build(
        cls,
        *,
        actor: Any,
        purpose: str | None,
        channel: str,
        purpose_note: str = "",
        ip_address: str | None = None,
    ) -> AccessContext:
        """Validate the stated purpose; an enterprise user's purpose is always a self-query."""
        if getattr(actor, "is_enterprise_user", False):
            purpose = AccessPurpose.SELF_QUERY
        elif not purpose:
            raise InvalidInput(
                ErrorCode.PURPOSE_REQUIRED,
                _("查询企业信用信息须说明查询目的（purpose）。"),
                details={"field": "purpose", "choices": STAFF_PURPOSES},
            )
        elif purpose not in STAFF_PURPOSES:
            raise InvalidInput(
                ErrorCode.INVALID_INPUT,
                _("查询目的“%(purpose)s”无效。") % {"purpose": purpose},
                details={"field": "purpose", "choices": STAFF_PURPOSES},
            )
        return cls(
            actor=actor,
            purpose=purpose,
            channel=channel,
            purpose_note=purpose_note[:200],
            ip_address=ip_address,
        )


def log_access(
    context: AccessContext,
    *,
    enterprise: Any,
    content: str,
    object_ids: Iterable[int] = (),
) -> CreditDataAccess:
    """Record one read: who, when, what and why."""
    return CreditDataAccess.objects.create(
        actor=context.actor,
        enterprise=enterprise,
        content=content,
        object_ids=sorted(object_ids),
        purpose=context.purpose,
        purpose_note=context.purpose_note,
        channel=context.channel,
        ip_address=context.ip_address,
    )
