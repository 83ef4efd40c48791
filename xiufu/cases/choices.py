from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    """The states of a dispute case (the seed's flowchart; see workflow.py for the transitions)."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    FORMAL_REVIEW = "formal_review", _("形式审核中")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("待补正")
    REJECTED_AT_INTAKE = "rejected_at_intake", _("不予受理")
    ACCEPTED = "accepted", _("已受理")
    UNDER_INVESTIGATION = "under_investigation", _("核查中")
    FINDINGS_RECORDED = "findings_recorded", _("核查结论已出")
    NON_REPAIR_NOTICE = "non_repair_notice", _("不予修复说明拟定")
    CORRECTION_PROPOSED = "correction_proposed", _("更正待审批")
    CORRECTION_APPROVED = "correction_approved", _("更正已审批")
    CORRECTION_SUBMITTED = "correction_submitted", _("更正已报送")
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("待征信系统确认")
    BUREAU_CONFIRMED = "bureau_confirmed", _("征信系统已确认")
    BUREAU_REJECTED = "bureau_rejected", _("征信系统退回")
    REPLY_ISSUED = "reply_issued", _("已书面答复")
    CLOSED = "closed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")
    REOPENED = "reopened", _("因新证据重新启动")


class Channel(models.TextChoices):
    PORTAL = "portal", _("企业门户")
    COUNTER = "counter", _("柜面受理")
    PROACTIVE = "proactive", _("机构主动纠错")


class IdentityField(models.TextChoices):
    """The identity and basic-information fields an enterprise may dispute (record kind
    "identity")."""

    NAME = "name", _("企业名称")
    USCC = "uscc", _("统一社会信用代码")
    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
    ADDRESS = "address", _("注册地址")
    REGISTERED_CAPITAL = "registered_capital", _("注册资本")


class RemedyRequested(models.TextChoices):
    CORRECT = "correct", _("更正")
    DELETE = "delete", _("删除")
    ANNOTATE = "annotate", _("添加说明")


class Finding(models.TextChoices):
    """Per-item conclusion of the investigation (条例 Art. 25)."""

    ERROR_CONFIRMED = "error_confirmed", _("确有错误")
    NO_ERROR = "no_error", _("信息无误")
    UNDETERMINED = "undetermined", _("无法确认")
    NOT_REPAIRABLE = "not_repairable", _("不予修复")


class ItemOutcome(models.TextChoices):
    CORRECTED = "corrected", _("已更正")
    NO_ERROR = "no_error", _("信息无误")
    UNDETERMINED = "undetermined", _("无法确认，已予记载")
    NOT_REPAIRABLE = "not_repairable", _("不予修复")
    WITHDRAWN = "withdrawn", _("已撤回")
    REJECTED = "rejected", _("不予受理")


class CaseOutcome(models.TextChoices):
    CORRECTED = "corrected", _("全部更正")
    PARTLY_CORRECTED = "partly_corrected", _("部分更正")
    UNDETERMINED = "undetermined", _("无法确认")
    NOT_CORRECTED = "not_corrected", _("未予更正")
    WITHDRAWN = "withdrawn", _("已撤回")
    REJECTED = "rejected", _("不予受理")


class ReviewVerdict(models.TextChoices):
    OK = "ok", _("合格")
    MISSING = "missing", _("缺失")
    DEFECTIVE = "defective", _("不合规")


class ProposalAction(models.TextChoices):
    CORRECT = "correct", _("按段更正")
    DELETE = "delete", _("整笔删除")
    REASSIGN = "reassign", _("标识变更（记录属于另一企业）")


class ProposalDecision(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("已退回")
    SUPERSEDED = "superseded", _("已被替代")


class Department(models.TextChoices):
    RISK = "risk", _("风险管理部")
    IT = "it", _("信息科技部")
    BUSINESS = "business", _("业务部门")
    OPERATIONS = "operations", _("运营管理部")
    EXTERNAL = "external", _("外部机构")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")
    CANCELLED = "cancelled", _("已取消")


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已报送")
    ACKNOWLEDGED = "acknowledged", _("已接收")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已退回")
    PARKED = "parked", _("发送失败，待报送员重发")
