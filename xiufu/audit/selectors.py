from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xiufu.accounts.permissions import Perm, require
from xiufu.audit.models import AuditEvent, CreditDataAccess


def access_log(
    actor: Any, *, enterprise_id: int | None = None, actor_id: int | None = None
) -> QuerySet[CreditDataAccess]:
    """Who read which credit data, newest first (compliance admins and auditors)."""
    require(actor, Perm.VIEW_ACCESS_LOG)
    queryset = CreditDataAccess.objects.select_related("actor", "enterprise")
    if enterprise_id is not None:
        queryset = queryset.filter(enterprise_id=enterprise_id)
    if actor_id is not None:
        queryset = queryset.filter(actor_id=actor_id)
    return queryset


def audit_events(actor: Any, *, type_prefix: str = "") -> QuerySet[AuditEvent]:
    require(actor, Perm.VIEW_AUDIT_LOG)
    queryset = AuditEvent.objects.select_related("actor")
    if type_prefix:
        queryset = queryset.filter(type__startswith=type_prefix)
    return queryset
