"""The manifest of what the demo data hides: planted errors and true negative records.

A planted error is a reported record that differs from the furnisher's ledger on purpose; a true
negative is an adverse record that is correct (reported == ledger) and must not be "whitewashed".
Values are rendered as plain Chinese strings here so that the documentation, the tests and later
reconciliation reports all show a difference the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.db import models

from xiufu.records.choices import (
    AccountStatus,
    Currency,
    FiveTierClass,
    GuaranteeStatus,
    GuaranteeType,
    LoanType,
    PublicRecordKind,
    PublicRecordStatus,
)

Kind = Literal["loans", "guarantees", "public_records"]
KINDS: tuple[Kind, ...] = ("loans", "guarantees", "public_records")
KIND_LABELS: dict[str, str] = {
    "loans": "借贷记录",
    "guarantees": "担保记录",
    "public_records": "公共记录",
}


@dataclass(frozen=True)
class Category:
    """A dispute category (REGULATIONS.md §6) that a planted error belongs to."""

    code: str
    label: str
    section: str  # the report section where it shows


CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in (
        Category("account_not_ours", "借贷账户非本企业（身份混淆）", "信贷记录明细"),
        Category("overdue_wrong", "逾期金额、天数或状态错误", "信贷记录明细、信息概要"),
        Category("settled_shown_outstanding", "已结清仍显示未结清", "未结清/已结清信贷"),
        Category("guarantee_wrong", "担保非本企业或金额错误", "相关还款责任"),
        Category("public_record_outdated", "公共记录未及时更新", "公共记录明细"),
        Category("five_tier_class_wrong", "五级分类错误", "信贷记录明细"),
        Category("amount_wrong", "借款金额或余额错误", "信贷记录明细"),
    )
}

_CHOICES: dict[tuple[str, str], type[models.TextChoices]] = {
    ("loans", "status"): AccountStatus,
    ("guarantees", "status"): GuaranteeStatus,
    ("public_records", "status"): PublicRecordStatus,
    ("public_records", "kind"): PublicRecordKind,
    ("loans", "loan_type"): LoanType,
    ("guarantees", "guarantee_type"): GuaranteeType,
}
_ANY_KIND_CHOICES: dict[str, type[models.TextChoices]] = {
    "five_tier_class": FiveTierClass,
    "currency": Currency,
}


@dataclass(frozen=True)
class FieldDifference:
    """One field where the reported record and the ledger disagree, as display strings."""

    field: str
    reported: str
    ledger: str


@dataclass(frozen=True)
class PlantedError:
    """A deliberate difference between a reported record and the ledger."""

    key: str
    category: str
    kind: Kind
    business_id: str
    enterprise_uscc: str  # the enterprise whose report shows the wrong record
    enterprise_name: str
    differences: tuple[FieldDifference, ...]
    description_zh: str  # what happened in the story
    expected_zh: str  # what a correct system should find and do

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(d.field for d in self.differences)

    @property
    def reported_value(self) -> str:
        return "；".join(f"{d.field}={d.reported}" for d in self.differences)

    @property
    def ledger_value(self) -> str:
        return "；".join(f"{d.field}={d.ledger}" for d in self.differences)


@dataclass(frozen=True)
class TrueNegative:
    """An adverse record that is correct: reported equals ledger; erasing it is a whitewash."""

    key: str
    kind: Kind
    business_id: str
    enterprise_uscc: str
    enterprise_name: str
    facts_zh: str
    expected_zh: str


def display_value(kind: str, field: str, value: Any, names: Mapping[str, str] | None = None) -> str:
    """A field value as the documentation shows it: labels for codes, 2-place money, ISO dates."""
    if value is None or value == "":
        return "（空）"
    if field == "enterprise":
        name = (names or {}).get(value, "")
        return f"{name}（{value}）" if name else str(value)
    choices = _CHOICES.get((kind, field)) or _ANY_KIND_CHOICES.get(field)
    if choices is not None:
        return f"{choices(value).label}（{value}）"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if field == "repayment_history":
        return " ".join(f"{m['month']}:{m['status']}" for m in value) or "（空）"
    return str(value)


def _history_difference(
    reported: list[dict[str, str]], ledger: list[dict[str, str]]
) -> tuple[str, str]:
    # Show only the months that differ: a whole 24-month string hides the one wrong digit.
    rep = {m["month"]: m["status"] for m in reported}
    led = {m["month"]: m["status"] for m in ledger}
    months = sorted(month for month in rep.keys() | led.keys() if rep.get(month) != led.get(month))
    return (
        " ".join(f"{month}:{rep.get(month, '无')}" for month in months),
        " ".join(f"{month}:{led.get(month, '无')}" for month in months),
    )


def difference(
    kind: str, field: str, reported: Any, ledger: Any, names: Mapping[str, str] | None = None
) -> FieldDifference:
    """Describe one differing field of a reported/ledger pair."""
    if field == "repayment_history":
        return FieldDifference(field, *_history_difference(reported, ledger))
    return FieldDifference(
        field,
        display_value(kind, field, reported, names),
        display_value(kind, field, ledger, names),
    )


def is_adverse(kind: str, values: Mapping[str, Any], *, on: dt.date) -> bool:
    """Whether a record shows something negative on the report as of ``on``."""
    if kind == "loans":
        return (
            values["status"] in {AccountStatus.OVERDUE, AccountStatus.WRITTEN_OFF}
            or values["five_tier_class"] != FiveTierClass.NORMAL
            or values["overdue_days"] > 0
            or any(m["status"].isdigit() for m in values["repayment_history"])
        )
    if kind == "guarantees":
        return (
            values["five_tier_class"] != FiveTierClass.NORMAL
            or values["overdue_amount"] > 0
            or values["status"] == GuaranteeStatus.COMPENSATED
        )
    until = values["publicity_until"]
    return values["status"] == PublicRecordStatus.OUTSTANDING or (until is not None and until >= on)
