"""Field-by-field snapshots of a disputed record as reported and as the ledger holds it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from xiufu.audit.access import AccessContext, log_access
from xiufu.cases.models import DisputedItem
from xiufu.records.selectors import RECORD_KINDS

SKIPPED = {"id", "enterprise", "source_system"}


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def as_dict(record: models.Model | None) -> dict[str, Any]:
    if record is None:
        return {}
    return {
        f.name: jsonable(getattr(record, f.attname))
        for f in record._meta.concrete_fields
        if f.name not in SKIPPED
    }


def reported_and_ledger(item: DisputedItem, *, access: AccessContext) -> tuple[dict, dict]:
    """The reported record and its ledger counterpart (matched by business id), logged as a read
    of the enterprise's credit data."""
    kind = RECORD_KINDS.get(item.record_kind)
    if kind is None or item.record_id is None:
        return {}, {}
    reported = kind.reported._default_manager.filter(pk=item.record_id).first()
    ledger = kind.ledger._default_manager.filter(business_id=item.business_id).first()
    ids = [r.pk for r in (reported,) if r is not None]
    log_access(
        access,
        enterprise=item.case.enterprise,
        content=f"reported_and_ledger_{kind.code}",
        object_ids=ids,
    )
    return as_dict(reported), as_dict(ledger)


def differences(reported: dict[str, Any], ledger: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields where the reported record and the ledger disagree."""
    if not ledger:
        return []
    return [
        {"field": name, "reported": reported.get(name), "ledger": ledger.get(name)}
        for name in sorted(set(reported) | set(ledger))
        if reported.get(name) != ledger.get(name)
    ]
