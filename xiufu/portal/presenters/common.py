"""Formatting and small reads shared by the portal's pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xiufu.audit.access import AccessContext
from xiufu.audit.choices import AccessChannel
from xiufu.cases import presenters as case_presenters
from xiufu.cases.actions.intake import IDENTITY
from xiufu.cases.choices import IdentityField
from xiufu.cases.models import Case
from xiufu.cases.selectors import marked_items

RECORD_ORDER = ("loans", "guarantees", "public_records")
SUPPORTING = "supporting"  # the action's code for evidence outside the checklist


def identity_field_labels() -> dict[str, str]:
    return {str(field.value): str(field.label) for field in IdentityField}


def page_access(request: HttpRequest) -> AccessContext:
    """A page read of credit data (an enterprise user's purpose is always a self-query)."""
    return AccessContext.build(
        actor=request.user,
        purpose=None,
        channel=AccessChannel.PAGE,
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )


def money(amount: Decimal | None, record: Any) -> str:
    """An amount with thousands separators and its currency, e.g. "人民币 1,000,000.00"."""
    if amount is None:
        return "—"
    return f"{record.get_currency_display()} {amount:,.2f}"


def day(value: dt.date | None) -> str:
    return date_format(value, "DATE_FORMAT") if value else "—"


def days_left_text(clock: dict[str, Any]) -> str:
    """The days left in words, with the clock's state, so that colour is never the only cue."""
    days = clock["days_left"]
    if days is None:
        return ""
    if days >= 0:
        text = ngettext("剩余 %(n)d 天", "剩余 %(n)d 天", days) % {"n": days}
    else:
        text = ngettext("已超期 %(n)d 天", "已超期 %(n)d 天", -days) % {"n": -days}
    state = {"at_risk": _("临近到期"), "paused": _("暂停计时")}.get(clock["state"])
    return f"{text} · {state}" if state else text


def dispute_marks(user: Any) -> dict[tuple[str, Any], Case]:
    """(record kind, record id or identity field) → the case whose dispute mark it carries."""
    marked = marked_items(user)
    return {
        (i.record_kind, i.identity_field if i.record_kind == IDENTITY else i.record_id): i.case
        for i in marked
    }


def case_row(case: Case) -> dict[str, Any]:
    data = case_presenters.summary(case)
    clock = data["clock"]
    data["url"] = reverse("portal:case", args=[case.pk])
    data["days_text"] = days_left_text(clock)
    return data
