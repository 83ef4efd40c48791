from django.db import models
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    CNY = "CNY", _("人民币")
    USD = "USD", _("美元")
    EUR = "EUR", _("欧元")
    HKD = "HKD", _("港币")
    JPY = "JPY", _("日元")
    GBP = "GBP", _("英镑")


class LoanType(models.TextChoices):
    WORKING_CAPITAL = "working_capital", _("流动资金贷款")
    FIXED_ASSET = "fixed_asset", _("固定资产贷款")
    TRADE_FINANCE = "trade_finance", _("贸易融资")
    BILL_DISCOUNT = "bill_discount", _("票据贴现")
    FINANCE_LEASE = "finance_lease", _("融资租赁")
    OTHER = "other", _("其他贷款")


class AccountStatus(models.TextChoices):
    """Account status of a loan (二代企业信用报告 借贷账户状态)."""

    NORMAL = "normal", _("正常")
    OVERDUE = "overdue", _("逾期")
    SETTLED = "settled", _("结清")
    WRITTEN_OFF = "written_off", _("呆账核销")
    TRANSFERRED = "transferred", _("转出")


class FiveTierClass(models.TextChoices):
    """Five-tier loan risk classification (五级分类)."""

    NORMAL = "normal", _("正常")
    SPECIAL_MENTION = "special_mention", _("关注")
    SUBSTANDARD = "substandard", _("次级")
    DOUBTFUL = "doubtful", _("可疑")
    LOSS = "loss", _("损失")


class RepaymentStatus(models.TextChoices):
    """One month of the repayment history (还款记录): N on time, 1–7 months overdue, …"""

    ON_TIME = "N", _("正常还款")
    OVERDUE_1 = "1", _("逾期1-30天")
    OVERDUE_2 = "2", _("逾期31-60天")
    OVERDUE_3 = "3", _("逾期61-90天")
    OVERDUE_4 = "4", _("逾期91-120天")
    OVERDUE_5 = "5", _("逾期121-150天")
    OVERDUE_6 = "6", _("逾期151-180天")
    OVERDUE_7 = "7", _("逾期180天以上")
    SETTLED = "C", _("结清")
    NOT_DUE = "*", _("当月无还款义务")
    UNKNOWN = "#", _("未知")


class GuaranteeType(models.TextChoices):
    GENERAL = "general", _("一般保证")
    JOINT_LIABILITY = "joint_liability", _("连带责任保证")
    MAXIMUM_AMOUNT = "maximum_amount", _("最高额保证")
    MORTGAGE = "mortgage", _("抵押")
    PLEDGE = "pledge", _("质押")


class GuaranteeStatus(models.TextChoices):
    ACTIVE = "active", _("未结清")
    RELEASED = "released", _("已解除")
    COMPENSATED = "compensated", _("已代偿")


class PublicRecordKind(models.TextChoices):
    TAX_ARREARS = "tax_arrears", _("欠税记录")
    CIVIL_JUDGMENT = "civil_judgment", _("民事判决记录")
    ENFORCEMENT = "enforcement", _("强制执行记录")
    ADMINISTRATIVE_PENALTY = "administrative_penalty", _("行政处罚记录")
    ABNORMAL_OPERATIONS = "abnormal_operations", _("经营异常名录")


class PublicRecordStatus(models.TextChoices):
    OUTSTANDING = "outstanding", _("未履行")
    PERFORMED = "performed", _("已履行")
    REVOKED = "revoked", _("已撤销")
    PUBLICITY_ENDED = "publicity_ended", _("公示期满")
