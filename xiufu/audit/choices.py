from django.db import models


class AccessPurpose(models.TextChoices):
    """Why someone read an enterprise's credit data (条例 Art. 22 asks bureaus to log this)."""

    SELF_QUERY = "self_query", "企业本方查询"
    FORMAL_REVIEW = "formal_review", "异议申请形式审核"
    DISPUTE_INVESTIGATION = "dispute_investigation", "异议核查"
    APPROVAL = "approval", "更正审批"
    CORRECTION_SUBMISSION = "correction_submission", "更正报送"
    DATA_QUALITY = "data_quality", "数据质量检查"
    CUSTOMER_SERVICE = "customer_service", "客户咨询答复"
    AUDIT = "audit", "内部审计"
    COMPLIANCE = "compliance", "合规检查"


class AccessChannel(models.TextChoices):
    API = "api", "接口"
    PAGE = "page", "页面"
    CLI = "cli", "命令行"
    TASK = "task", "后台任务"
