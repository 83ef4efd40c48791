from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from xiufu.audit import selectors
from xiufu.core.api import actor

router = Router(tags=["audit"])


class AccessOut(Schema):
    id: int
    at: dt.datetime
    actor_id: int
    actor_username: str
    enterprise_id: int | None
    content: str
    object_ids: list[int]
    purpose: str
    purpose_note: str
    channel: str

    @staticmethod
    def resolve_actor_username(obj: Any) -> str:
        return str(obj.actor.username)


class AuditEventOut(Schema):
    id: int
    type: str
    at: dt.datetime
    actor_id: int | None
    target_type: str
    target_id: str
    payload: dict[str, Any]


@router.get("/access-log", response=list[AccessOut])
@paginate(PageNumberPagination)
def access_log(
    request: HttpRequest, enterprise_id: int | None = None, actor_id: int | None = None
) -> object:
    """Every read of credit data: who, when, what and why."""
    return selectors.access_log(actor(request), enterprise_id=enterprise_id, actor_id=actor_id)


@router.get("/audit-events", response=list[AuditEventOut])
@paginate(PageNumberPagination)
def audit_events(request: HttpRequest, type: str = Query("", max_length=100)) -> object:
    return selectors.audit_events(actor(request), type_prefix=type)
