from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    STAFF = "staff", _("机构员工")
    ENTERPRISE = "enterprise", _("企业用户")


class Role(models.TextChoices):
    """Staff roles (GLOSSARY.md). One person may hold several; see permissions.py."""

    INTAKE_CLERK = "intake_clerk", _("受理员")
    INVESTIGATOR = "investigator", _("核查员")
    APPROVER = "approver", _("复核人")
    REPORTER = "reporter", _("报送员")
    COMPLIANCE_ADMIN = "compliance_admin", _("合规管理员")
    AUDITOR = "auditor", _("审计员（只读）")


class Capacity(models.TextChoices):
    """In what capacity an enterprise user acts for its enterprise."""

    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
    AGENT = "agent", _("经办人（代理人）")
