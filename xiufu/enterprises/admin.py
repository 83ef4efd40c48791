from django.contrib import admin

from xiufu.accounts.admin import ReadOnlyAdmin, admin_site
from xiufu.enterprises.models import Enterprise, Person


@admin.register(Enterprise, site=admin_site)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("name", "uscc", "industry", "region_name", "status")
    search_fields = ("name", "uscc")
    list_filter = ("industry", "status")


@admin.register(Person, site=admin_site)
class PersonAdmin(ReadOnlyAdmin):
    # The full ID number is never shown here: the reveal path logs every read.
    list_display = ("name", "id_type", "masked_id_number")
    exclude = ("id_number",)
    readonly_fields = ("masked_id_number",)
    search_fields = ("name",)
