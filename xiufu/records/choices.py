from django.db import models


class Currency(models.TextChoices):
    CNY = "CNY", "人民币"
    USD = "USD", "美元"
    EUR = "EUR", "欧元"
    HKD = "HKD", "港币"
    JPY = "JPY", "日元"
    GBP = "GBP", "英镑"


class LoanType(models.TextChoices):
    WORKING_CAPITAL = "working_capital", "流动资金贷款"
    FIXED_ASSET = "fixed_asset", "固定资产贷款"
    TRADE_FINANCE = "trade_finance", "贸易融资"
    BILL_DISCOUNT = "bill_discount", "票据贴现"
    FINANCE_LEASE = "finance_lease", "融资租赁"
    OTHER = "other", "其他贷款"


class AccountStatus(models.TextChoices):
    """Account status of a loan (二代企业信用报告 借贷账户状态)."""

    NORMAL = "normal", "正常"
    OVERDUE = "overdue", "逾期"
    SETTLED = "settled", "结清"
    WRITTEN_OFF = "written_off", "呆账核销"
    TRANSFERRED = "transferred", "转出"


class FiveTierClass(models.TextChoices):
    """Five-tier loan risk classification (五级分类)."""

    NORMAL = "normal", "正常"
    SPECIAL_MENTION = "special_mention", "关注"
    SUBSTANDARD = "substandard", "次级"
    DOUBTFUL = "doubtful", "可疑"
    LOSS = "loss", "损失"


class RepaymentStatus(models.TextChoices):
    """One month of the repayment history (还款记录): N on time, 1–7 months overdue, …"""

    ON_TIME = "N", "正常还款"
    OVERDUE_1 = "1", "逾期1-30天"
    OVERDUE_2 = "2", "逾期31-60天"
    OVERDUE_3 = "3", "逾期61-90天"
    OVERDUE_4 = "4", "逾期91-120天"
    OVERDUE_5 = "5", "逾期121-150天"
    OVERDUE_6 = "6", "逾期151-180天"
    OVERDUE_7 = "7", "逾期180天以上"
    SETTLED = "C", "结清"
    NOT_DUE = "*", "当月无还款义务"
    UNKNOWN = "#", "未知"


class GuaranteeType(models.TextChoices):
    GENERAL = "general", "一般保证"
    JOINT_LIABILITY = "joint_liability", "连带责任保证"
    MAXIMUM_AMOUNT = "maximum_amount", "最高额保证"
    MORTGAGE = "mortgage", "抵押"
    PLEDGE = "pledge", "质押"


class GuaranteeStatus(models.TextChoices):
    ACTIVE = "active", "未结清"
    RELEASED = "released", "已解除"
    COMPENSATED = "compensated", "已代偿"


class PublicRecordKind(models.TextChoices):
    TAX_ARREARS = "tax_arrears", "欠税记录"
    CIVIL_JUDGMENT = "civil_judgment", "民事判决记录"
    ENFORCEMENT = "enforcement", "强制执行记录"
    ADMINISTRATIVE_PENALTY = "administrative_penalty", "行政处罚记录"
    ABNORMAL_OPERATIONS = "abnormal_operations", "经营异常名录"


class PublicRecordStatus(models.TextChoices):
    OUTSTANDING = "outstanding", "未履行"
    PERFORMED = "performed", "已履行"
    REVOKED = "revoked", "已撤销"
    PUBLICITY_ENDED = "publicity_ended", "公示期满"
