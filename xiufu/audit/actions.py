"""Writing audit events and access-log rows. Called from inside other apps' actions."""

from __future__ import annotations

from typing import Any

from django.db import models

from xiufu.audit.events import EVENT_TYPES, EventType
from xiufu.audit.models import AuditEvent


def record_event(
    event_type: EventType,
    *,
    actor: Any,
    target: models.Model | None = None,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Must run inside the caller's transaction."""
    if EVENT_TYPES.get(event_type.code) is not event_type:
        raise ValueError(f"unregistered audit event type {event_type.code}")
    payload = payload or {}
    unknown = set(payload) - set(event_type.payload_keys)
    if unknown:
        raise ValueError(f"{event_type.code}: undeclared payload keys {sorted(unknown)}")
    return AuditEvent.objects.create(
        type=event_type.code,
        actor=actor if getattr(actor, "pk", None) else None,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        payload=payload,
    )
