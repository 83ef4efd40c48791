from django.db import models


class UserKind(models.TextChoices):
    STAFF = "staff", "机构员工"
    ENTERPRISE = "enterprise", "企业用户"


class Role(models.TextChoices):
    """Staff roles (GLOSSARY.md). One person may hold several; see permissions.py."""

    INTAKE_CLERK = "intake_clerk", "受理员"
    INVESTIGATOR = "investigator", "核查员"
    APPROVER = "approver", "复核人"
    REPORTER = "reporter", "报送员"
    COMPLIANCE_ADMIN = "compliance_admin", "合规管理员"
    AUDITOR = "auditor", "审计员（只读）"


class Capacity(models.TextChoices):
    """In what capacity an enterprise user acts for its enterprise."""

    LEGAL_REPRESENTATIVE = "legal_representative", "法定代表人"
    AGENT = "agent", "经办人（代理人）"
