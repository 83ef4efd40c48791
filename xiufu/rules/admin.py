from django.contrib import admin

from xiufu.accounts.admin import ReadOnlyAdmin, admin_site
from xiufu.rules.models import RulePackVersion


@admin.register(RulePackVersion, site=admin_site)
class RulePackVersionAdmin(ReadOnlyAdmin):
    list_display = ("regime", "version", "title", "effective_from", "is_active", "loaded_at")
    list_filter = ("regime", "is_active")
    search_fields = ("regime", "version", "title", "sha256")
