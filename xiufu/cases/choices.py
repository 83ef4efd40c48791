from django.db import models


class CaseStatus(models.TextChoices):
    """The states of a dispute case (the seed's flowchart; see workflow.py for the transitions)."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    FORMAL_REVIEW = "formal_review", "形式审核中"
    AWAITING_SUPPLEMENT = "awaiting_supplement", "待补正"
    REJECTED_AT_INTAKE = "rejected_at_intake", "不予受理"
    ACCEPTED = "accepted", "已受理"
    UNDER_INVESTIGATION = "under_investigation", "核查中"
    FINDINGS_RECORDED = "findings_recorded", "核查结论已出"
    NON_REPAIR_NOTICE = "non_repair_notice", "不予修复说明拟定"
    CORRECTION_PROPOSED = "correction_proposed", "更正待审批"
    CORRECTION_APPROVED = "correction_approved", "更正已审批"
    CORRECTION_SUBMITTED = "correction_submitted", "更正已报送"
    AWAITING_CONFIRMATION = "awaiting_confirmation", "待征信系统确认"
    BUREAU_CONFIRMED = "bureau_confirmed", "征信系统已确认"
    BUREAU_REJECTED = "bureau_rejected", "征信系统退回"
    REPLY_ISSUED = "reply_issued", "已书面答复"
    CLOSED = "closed", "已办结"
    WITHDRAWN = "withdrawn", "已撤回"
    REOPENED = "reopened", "因新证据重新启动"


class Channel(models.TextChoices):
    PORTAL = "portal", "企业门户"
    COUNTER = "counter", "柜面受理"
    PROACTIVE = "proactive", "机构主动纠错"


class RemedyRequested(models.TextChoices):
    CORRECT = "correct", "更正"
    DELETE = "delete", "删除"
    ANNOTATE = "annotate", "添加说明"


class Finding(models.TextChoices):
    """Per-item conclusion of the investigation (条例 Art. 25)."""

    ERROR_CONFIRMED = "error_confirmed", "确有错误"
    NO_ERROR = "no_error", "信息无误"
    UNDETERMINED = "undetermined", "无法确认"
    NOT_REPAIRABLE = "not_repairable", "不予修复"


class ItemOutcome(models.TextChoices):
    CORRECTED = "corrected", "已更正"
    NO_ERROR = "no_error", "信息无误"
    UNDETERMINED = "undetermined", "无法确认，已予记载"
    NOT_REPAIRABLE = "not_repairable", "不予修复"
    WITHDRAWN = "withdrawn", "已撤回"
    REJECTED = "rejected", "不予受理"


class CaseOutcome(models.TextChoices):
    CORRECTED = "corrected", "全部更正"
    PARTLY_CORRECTED = "partly_corrected", "部分更正"
    UNDETERMINED = "undetermined", "无法确认"
    NOT_CORRECTED = "not_corrected", "未予更正"
    WITHDRAWN = "withdrawn", "已撤回"
    REJECTED = "rejected", "不予受理"


class ReviewVerdict(models.TextChoices):
    OK = "ok", "合格"
    MISSING = "missing", "缺失"
    DEFECTIVE = "defective", "不合规"


class ProposalAction(models.TextChoices):
    CORRECT = "correct", "按段更正"
    DELETE = "delete", "整笔删除"


class ProposalDecision(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    RETURNED = "returned", "已退回"
    SUPERSEDED = "superseded", "已被替代"


class Department(models.TextChoices):
    RISK = "risk", "风险管理部"
    IT = "it", "信息科技部"
    BUSINESS = "business", "业务部门"
    OPERATIONS = "operations", "运营管理部"
    EXTERNAL = "external", "外部机构"


class TaskStatus(models.TextChoices):
    OPEN = "open", "待答复"
    ANSWERED = "answered", "已答复"
    CANCELLED = "cancelled", "已取消"


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", "已报送"
    ACKNOWLEDGED = "acknowledged", "已接收"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "已退回"
