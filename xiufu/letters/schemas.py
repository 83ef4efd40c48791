"""The letters API's bodies: the 非恶意逾期情况说明 the investigator issues, and an issued letter.

The string fields default to empty rather than being required: which fields a letter cannot do
without is the letter's own contract (``fields.py``), so the action answers a missing one with
``letter_fields_missing`` and the list, as it does for the desk form.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from xiufu.core.schemas import StrictSchema
from xiufu.letters.context import arabic_date

#: At most this many overdues in one explanation.
MAX_OVERDUES = 20


def overdue_row(
    *,
    subject: str,
    due_on: dt.date | None,
    paid_on: dt.date | None,
    amount: Decimal | None,
    shown_as: str,
) -> dict[str, str]:
    """One overdue as the action takes it: the dates and the amount as the letter prints them."""
    return {
        "subject": subject,
        "due_on": arabic_date(due_on),
        "paid_on": arabic_date(paid_on),
        "amount": f"{amount:,.2f}元" if amount is not None else "",
        "shown_as": shown_as,
    }


class OverdueIn(StrictSchema):
    subject: str = Field(default="", max_length=200, description="贷款：业务品种和业务标识码")
    due_on: dt.date | None = Field(default=None, description="应还款日")
    paid_on: dt.date | None = Field(default=None, description="实际还款日")
    amount: Decimal | None = Field(
        default=None, ge=0, max_digits=18, decimal_places=2, description="应还金额（元）"
    )
    shown_as: str = Field(default="", max_length=100, description="报告显示，如 逾期1-30天")

    @model_validator(mode="after")
    def _paid_after_due(self) -> OverdueIn:
        if self.due_on and self.paid_on and self.paid_on < self.due_on:
            reason = _("实际还款日不能早于应还款日。")
            raise PydanticCustomError("invalid_input", "{reason}", {"reason": reason})
        return self

    def row(self) -> dict[str, str]:
        return overdue_row(
            subject=self.subject,
            due_on=self.due_on,
            paid_on=self.paid_on,
            amount=self.amount,
            shown_as=self.shown_as,
        )


class CauseIn(StrictSchema):
    kind: str = Field(default="", max_length=100, description="原因类别，如 我行系统故障")
    description: str = Field(
        default="", max_length=3000, description="发生了什么、为何不是借款人的原因"
    )
    reference_title: str = Field(default="", max_length=200, description="政策文件或事件名称")
    reference_number: str = Field(default="", max_length=100, description="文号或事件编号")
    reference_excerpt: str = Field(
        default="", max_length=2000, description="相关规定或事件记录摘录"
    )


class ExplanationIn(StrictSchema):
    """The overdues (at least one), their cause, and what was done about them."""

    overdues: list[OverdueIn] = Field(default_factory=list, max_length=MAX_OVERDUES)
    cause: CauseIn = Field(default_factory=CauseIn)
    handling: str = Field(default="", max_length=2000, description="处理情况，如 已报送更正及日期")


class LetterOut(Schema):
    """An issued letter: its number and printed verification code, and where to download it."""

    id: int
    case_id: int
    kind: str
    kind_label: str
    number: str
    verification_code: str
    verify_url: str
    issued_at: dt.datetime
    pdf_url: str
    docx_url: str
    pdf_sha256: str
    docx_sha256: str
