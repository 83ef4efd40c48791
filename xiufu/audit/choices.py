from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessPurpose(models.TextChoices):
    """Why someone read an enterprise's credit data (条例 Art. 22 asks bureaus to log this)."""

    SELF_QUERY = "self_query", _("企业本方查询")
    FORMAL_REVIEW = "formal_review", _("异议申请形式审核")
    DISPUTE_INVESTIGATION = "dispute_investigation", _("异议核查")
    APPROVAL = "approval", _("更正审批")
    CORRECTION_SUBMISSION = "correction_submission", _("更正报送")
    DATA_QUALITY = "data_quality", _("数据质量检查")
    CUSTOMER_SERVICE = "customer_service", _("客户咨询答复")
    AUDIT = "audit", _("内部审计")
    COMPLIANCE = "compliance", _("合规检查")


class AccessChannel(models.TextChoices):
    API = "api", _("接口")
    PAGE = "page", _("页面")
    CLI = "cli", _("命令行")
    TASK = "task", _("后台任务")
