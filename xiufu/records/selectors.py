"""Reads of credit records. Every read is scoped and logged (who, when, what, why).

Credit data is read only through ``reported_records`` and ``ledger_records``: both take an
``AccessContext`` and write a ``CreditDataAccess`` row for the rows they return.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiufu.accounts.permissions import Perm, require
from xiufu.audit.access import AccessContext, log_access
from xiufu.core.errors import ErrorCode, InvalidInput, NotFound
from xiufu.enterprises.selectors import get_enterprise
from xiufu.records import models as m


@dataclass(frozen=True)
class RecordKind:
    code: str
    label: Any  # a lazily translated string
    reported: type[Any]
    ledger: type[Any]


RECORD_KINDS: dict[str, RecordKind] = {
    kind.code: kind
    for kind in (
        RecordKind("loans", gettext_lazy("借贷记录"), m.LoanRecord, m.LedgerLoan),
        RecordKind("guarantees", gettext_lazy("担保记录"), m.GuaranteeRecord, m.LedgerGuarantee),
        RecordKind(
            "public_records", gettext_lazy("公共记录"), m.PublicRecord, m.LedgerPublicRecord
        ),
    )
}


def record_kind(code: str) -> RecordKind:
    kind = RECORD_KINDS.get(code)
    if kind is None:
        raise InvalidInput(
            ErrorCode.INVALID_INPUT,
            _("记录类型“%(kind)s”无效。") % {"kind": code},
            details={"field": "kind", "choices": list(RECORD_KINDS)},
        )
    return kind


def _readable_enterprise(actor: Any, enterprise_id: int) -> Any:
    enterprise = get_enterprise(actor, enterprise_id)
    if not getattr(actor, "is_enterprise_user", False):
        require(actor, Perm.VIEW_CREDIT_RECORDS)
    return enterprise


def reported_records(
    actor: Any, enterprise_id: int, kind_code: str, *, access: AccessContext
) -> list[Any]:
    """The records of one kind this furnisher reported about the enterprise."""
    kind = record_kind(kind_code)
    enterprise = _readable_enterprise(actor, enterprise_id)
    rows = list(kind.reported._default_manager.filter(enterprise=enterprise))
    log_access(
        access,
        enterprise=enterprise,
        content=f"reported_{kind.code}",
        object_ids=[r.pk for r in rows],
    )
    return rows


def reported_record(actor: Any, kind_code: str, record_id: int, *, access: AccessContext) -> Any:
    """One reported record; NotFound if it does not exist or is not the actor's to see."""
    kind = record_kind(kind_code)
    row = kind.reported._default_manager.filter(pk=record_id).first()
    if row is None:
        raise NotFound(_("未找到该记录。"), what=kind.code)
    try:
        enterprise = _readable_enterprise(actor, row.enterprise_id)
    except NotFound:
        raise NotFound(_("未找到该记录。"), what=kind.code) from None
    log_access(access, enterprise=enterprise, content=f"reported_{kind.code}", object_ids=[row.pk])
    return row


def ledger_records(
    actor: Any, enterprise_id: int, kind_code: str, *, access: AccessContext
) -> list[Any]:
    """The source-ledger truth for the enterprise's records of one kind (staff only)."""
    kind = record_kind(kind_code)
    enterprise = get_enterprise(actor, enterprise_id)
    require(actor, Perm.VIEW_LEDGER)
    rows = list(kind.ledger._default_manager.filter(enterprise=enterprise))
    log_access(
        access,
        enterprise=enterprise,
        content=f"ledger_{kind.code}",
        object_ids=[r.pk for r in rows],
    )
    return rows
