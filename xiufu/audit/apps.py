from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "xiufu.audit"
    label = "audit"
    verbose_name = "审计"

    def ready(self) -> None:
        # Each app declares its audit event types in its own events.py; load them all so the
        # registry is complete whatever was imported first.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("events")
