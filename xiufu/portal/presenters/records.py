"""The records this institution reports about the enterprise: the home page and the choices of
the dispute form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from xiufu.audit.access import AccessContext
from xiufu.cases.actions.intake import IDENTITY, IDENTITY_FIELDS
from xiufu.cases.choices import RemedyRequested
from xiufu.cases.models import Case
from xiufu.cases.selectors import cases_visible_to
from xiufu.enterprises.selectors import get_enterprise
from xiufu.portal.presenters.common import (
    RECORD_ORDER,
    case_row,
    day,
    dispute_marks,
    identity_field_labels,
    money,
)
from xiufu.records.choices import RepaymentStatus
from xiufu.records.selectors import RECORD_KINDS, reported_records
from xiufu.rules.selectors import active_pack

# Repayment-history codes of a month in overdue (1: 1–30 days … 7: over 180 days).
OVERDUE_MONTHS = frozenset("1234567")


def _overdue_months(history: list[dict[str, str]]) -> str:
    """The months of the repayment history that show an overdue, with their meaning."""
    late = [m for m in history if m.get("status") in OVERDUE_MONTHS]
    if not late:
        return _("无")
    return "；".join(f"{m['month']} {RepaymentStatus(m['status']).label}" for m in late)


def _loan_cells(r: Any) -> list[str]:
    return [
        r.business_id,
        r.get_loan_type_display(),
        money(r.principal, r),
        money(r.balance, r),
        f"{day(r.open_date)} — {day(r.maturity_date)}",
        r.get_status_display(),
        r.get_five_tier_class_display(),
        _("%(days)d 天，%(amount)s")
        % {"days": r.overdue_days, "amount": money(r.overdue_amount, r)},
        _overdue_months(r.repayment_history or []),
    ]


def _guarantee_cells(r: Any) -> list[str]:
    return [
        r.business_id,
        r.get_guarantee_type_display(),
        r.borrower_name,
        money(r.guaranteed_amount, r),
        money(r.liability_balance, r),
        r.get_status_display(),
        r.get_five_tier_class_display(),
        money(r.overdue_amount, r),
    ]


def _public_cells(r: Any) -> list[str]:
    return [
        r.business_id,
        r.get_kind_display(),
        f"{r.authority} {r.document_number}",
        day(r.decided_on),
        money(r.amount, r),
        r.get_status_display(),
        day(r.publicity_until),
    ]


def record_sections() -> list[dict[str, Any]]:
    """Title, column headings and cell builder of each section of the report."""
    return [
        {
            "kind": "loans",
            "title": _("借贷交易信息"),
            "headers": [
                _("业务标识码"),
                _("借贷业务种类"),
                _("借款金额"),
                _("余额"),
                _("开立日期 — 到期日期"),
                _("账户状态"),
                _("五级分类"),
                _("逾期天数与逾期总额"),
                _("逾期月份"),
            ],
            "cells": _loan_cells,
        },
        {
            "kind": "guarantees",
            "title": _("担保交易信息（相关还款责任）"),
            "headers": [
                _("业务标识码"),
                _("担保方式"),
                _("被担保人"),
                _("担保金额"),
                _("相关还款责任余额"),
                _("状态"),
                _("五级分类"),
                _("被担保业务逾期总额"),
            ],
            "cells": _guarantee_cells,
        },
        {
            "kind": "public_records",
            "title": _("公共记录"),
            "headers": [
                _("记录编号"),
                _("类型"),
                _("认定机关与文书编号"),
                _("认定日期"),
                _("金额"),
                _("状态"),
                _("公示截止日期"),
            ],
            "cells": _public_cells,
        },
    ]


def _record_label(kind: str, r: Any) -> str:
    """One line naming a record and its key facts, for the dispute form."""
    if kind == "loans":
        facts = [
            r.get_loan_type_display(),
            _("借款金额 %(amount)s") % {"amount": money(r.principal, r)},
            _("余额 %(amount)s") % {"amount": money(r.balance, r)},
            r.get_status_display(),
        ]
        if r.overdue_days:
            facts.append(_("逾期 %(days)d 天") % {"days": r.overdue_days})
    elif kind == "guarantees":
        facts = [
            r.get_guarantee_type_display(),
            _("被担保人 %(name)s") % {"name": r.borrower_name},
            _("担保金额 %(amount)s") % {"amount": money(r.guaranteed_amount, r)},
            r.get_five_tier_class_display(),
        ]
    else:
        facts = [r.get_kind_display(), r.authority, money(r.amount, r), r.get_status_display()]
    return " · ".join([f"{RECORD_KINDS[kind].label} {r.business_id}", *facts])


def home(user: Any, access: AccessContext) -> dict[str, Any]:
    """The enterprise's profile, the records reported about it with their marks, its cases."""
    enterprise = get_enterprise(user, user.enterprise_id)
    marks = dispute_marks(user)
    sections = []
    for section in record_sections():
        kind = section["kind"]
        rows = []
        for record in reported_records(user, enterprise.pk, kind, access=access):
            case = marks.get((kind, record.pk))
            rows.append(
                {
                    "key": f"{kind}-{record.pk}",
                    "cells": section["cells"](record),
                    "marked_by": case,
                }
            )
        sections.append({**section, "rows": rows})
    identity_marks = {
        field: marks[(IDENTITY, field)] for field in IDENTITY_FIELDS if (IDENTITY, field) in marks
    }
    return {
        "enterprise": enterprise,
        "person": enterprise.legal_representative,
        "identity_marks": identity_marks,
        "sections": sections,
        "cases": [case_row(c) for c in cases_visible_to(user)],
    }


# -- filing a dispute -------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryOption:
    code: str
    label: str
    description: str
    example: str


@dataclass(frozen=True)
class RecordOption:
    """One record (or the identity information) the enterprise may dispute."""

    kind: str
    record_id: int | None
    label: str
    categories: tuple[CategoryOption, ...]
    marked_by: Case | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.record_id}" if self.record_id else self.kind


@dataclass(frozen=True)
class DisputeOptions:
    records: list[RecordOption]
    identity: RecordOption
    identity_fields: dict[str, str]
    remedies: list[tuple[str, str]] = field(default_factory=list)


def _categories(pack: Any, kind: str) -> tuple[CategoryOption, ...]:
    return tuple(
        CategoryOption(c.code, c.label, c.description, c.example) for c in pack.categories_for(kind)
    )


def dispute_options(user: Any, access: AccessContext) -> DisputeOptions:
    """The enterprise's records with the categories of the active pack that fit each one."""
    _row, pack = active_pack()
    marks = dispute_marks(user)
    records = [
        RecordOption(
            kind,
            record.pk,
            _record_label(kind, record),
            _categories(pack, kind),
            marks.get((kind, record.pk)),
        )
        for kind in RECORD_ORDER
        for record in reported_records(user, user.enterprise_id, kind, access=access)
    ]
    identity = RecordOption(IDENTITY, None, _("企业身份信息"), _categories(pack, IDENTITY))
    remedies = [(r.value, str(r.label)) for r in (RemedyRequested.CORRECT, RemedyRequested.DELETE)]
    return DisputeOptions(records, identity, identity_field_labels(), remedies)
