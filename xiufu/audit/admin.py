from django.contrib import admin

from xiufu.accounts.admin import ReadOnlyAdmin, admin_site
from xiufu.audit.models import AuditEvent, CreditDataAccess


@admin.register(AuditEvent, site=admin_site)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "type", "actor", "target_type", "target_id")
    list_filter = ("type",)


@admin.register(CreditDataAccess, site=admin_site)
class CreditDataAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "enterprise", "content", "purpose", "channel")
    list_filter = ("purpose", "channel")
