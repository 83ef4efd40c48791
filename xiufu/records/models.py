"""Credit records as the furnisher reported them, and, separately, the source-ledger truth.

``LoanRecord``, ``GuaranteeRecord`` and ``PublicRecord`` hold what was sent to the bureau and shows
on the enterprise's report. ``LedgerLoan``, ``LedgerGuarantee`` and ``LedgerPublicRecord`` hold what
the furnisher's own books (or the source agency) say. The two sides share their fields through
abstract bases and are matched by ``business_id``, so that investigation and reconciliation can
compare them field by field.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
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


def money(label: str, *, null: bool = False) -> models.DecimalField:
    """An amount: Decimal with two places, never negative, never a float."""
    return models.DecimalField(
        label,
        max_digits=18,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        null=null,
        blank=null,
    )


class LoanFields(models.Model):
    """A loan account (借贷账户, record type 410)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    business_id = models.CharField("业务标识码", max_length=60)
    contract_number = models.CharField("合同编号", max_length=60)
    loan_type = models.CharField("借贷业务种类", max_length=30, choices=LoanType.choices)
    currency = models.CharField("币种", max_length=3, choices=Currency.choices, default="CNY")
    principal = money("借款金额")
    balance = money("余额")
    open_date = models.DateField("开立日期")
    maturity_date = models.DateField("到期日期")
    close_date = models.DateField("结清日期", null=True, blank=True)
    status = models.CharField("账户状态", max_length=20, choices=AccountStatus.choices)
    five_tier_class = models.CharField("五级分类", max_length=20, choices=FiveTierClass.choices)
    overdue_amount = money("逾期总额")
    overdue_principal = money("逾期本金")
    overdue_days = models.PositiveIntegerField("逾期天数", default=0)
    # Oldest first: [{"month": "2025-01", "status": "N"}, …] (RepaymentStatus codes).
    repayment_history = models.JSONField("还款记录", default=list, blank=True)
    reporting_date = models.DateField("信息报告日期")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.business_id} {self.get_loan_type_display()}"


class GuaranteeFields(models.Model):
    """A repayment liability the enterprise bears as guarantor (相关还款责任)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    business_id = models.CharField("业务标识码", max_length=60)
    contract_number = models.CharField("保证合同编号", max_length=60)
    guarantee_type = models.CharField("担保方式", max_length=30, choices=GuaranteeType.choices)
    borrower_name = models.CharField("被担保人名称", max_length=200)
    borrower_uscc = models.CharField("被担保人统一社会信用代码", max_length=18)
    guaranteed_loan_business_id = models.CharField("被担保业务标识码", max_length=60)
    currency = models.CharField("币种", max_length=3, choices=Currency.choices, default="CNY")
    guaranteed_amount = money("担保金额")
    liability_balance = money("相关还款责任余额")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("到期日期")
    status = models.CharField("状态", max_length=20, choices=GuaranteeStatus.choices)
    five_tier_class = models.CharField("五级分类", max_length=20, choices=FiveTierClass.choices)
    overdue_amount = money("被担保业务逾期总额")
    reporting_date = models.DateField("信息报告日期")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.business_id} {self.get_guarantee_type_display()}"


class PublicRecordFields(models.Model):
    """A public record (公共记录): tax arrears, judgments, enforcement, penalties, abnormal list."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    business_id = models.CharField("记录编号", max_length=60)
    kind = models.CharField("类型", max_length=30, choices=PublicRecordKind.choices)
    authority = models.CharField("认定机关", max_length=200)
    document_number = models.CharField("文书编号", max_length=100)
    decided_on = models.DateField("认定日期")
    currency = models.CharField("币种", max_length=3, choices=Currency.choices, default="CNY")
    amount = money("金额", null=True)
    status = models.CharField("状态", max_length=20, choices=PublicRecordStatus.choices)
    publicity_until = models.DateField("公示截止日期", null=True, blank=True)
    description = models.CharField("摘要", max_length=300, blank=True)
    reporting_date = models.DateField("信息报告日期")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.business_id} {self.get_kind_display()}"


class LoanRecord(LoanFields):
    """A loan as reported to the bureau."""

    class Meta(LoanFields.Meta):
        constraints = [models.UniqueConstraint(fields=["business_id"], name="unique_loan_bid")]
        ordering = ["enterprise_id", "business_id"]
        verbose_name = "借贷记录（已报送）"
        verbose_name_plural = "借贷记录（已报送）"


class GuaranteeRecord(GuaranteeFields):
    """A guarantee liability as reported to the bureau."""

    class Meta(GuaranteeFields.Meta):
        constraints = [models.UniqueConstraint(fields=["business_id"], name="unique_guarantee_bid")]
        ordering = ["enterprise_id", "business_id"]
        verbose_name = "担保记录（已报送）"
        verbose_name_plural = "担保记录（已报送）"


class PublicRecord(PublicRecordFields):
    """A public record as it shows on the report."""

    class Meta(PublicRecordFields.Meta):
        constraints = [
            models.UniqueConstraint(fields=["business_id"], name="unique_public_record_bid")
        ]
        ordering = ["enterprise_id", "business_id"]
        verbose_name = "公共记录（报告展示）"
        verbose_name_plural = "公共记录（报告展示）"


class LedgerLoan(LoanFields):
    """The loan as the furnisher's source system (台账) holds it today."""

    source_system = models.CharField("源系统", max_length=50, default="core_banking")

    class Meta(LoanFields.Meta):
        constraints = [
            models.UniqueConstraint(fields=["business_id"], name="unique_ledger_loan_bid")
        ]
        ordering = ["enterprise_id", "business_id"]
        verbose_name = "借贷台账"
        verbose_name_plural = "借贷台账"


class LedgerGuarantee(GuaranteeFields):
    """The guarantee contract as the furnisher's source system holds it."""

    source_system = models.CharField("源系统", max_length=50, default="credit_management")

    class Meta(GuaranteeFields.Meta):
        constraints = [
            models.UniqueConstraint(fields=["business_id"], name="unique_ledger_guarantee_bid")
        ]
        ordering = ["enterprise_id", "business_id"]
        verbose_name = "担保台账"
        verbose_name_plural = "担保台账"


class LedgerPublicRecord(PublicRecordFields):
    """The public record as its source agency holds it (e.g. tax paid, judgment performed)."""

    source_system = models.CharField("来源", max_length=50, default="source_agency")

    class Meta(PublicRecordFields.Meta):
        constraints = [
            models.UniqueConstraint(fields=["business_id"], name="unique_ledger_public_bid")
        ]
        ordering = ["enterprise_id", "business_id"]
        verbose_name = "公共记录源数据"
        verbose_name_plural = "公共记录源数据"
