from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "xiufu.audit"
    label = "audit"
    verbose_name = "审计"
