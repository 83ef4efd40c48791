"""The Django admin: for compliance admins only, and read-only.

Every write goes through an action with its permission check and audit event, so the admin is a
place to inspect, not to change data behind the actions' back.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from xiufu.accounts.models import ApiToken, EnterpriseMembership, PowerOfAttorney, RoleGrant, User
from xiufu.accounts.permissions import Perm, has_perm


class ComplianceAdminLoginForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user: Any) -> None:
        if not user.is_active or not has_perm(user, Perm.USE_ADMIN):
            raise ValidationError("管理后台仅供合规管理员使用。", code="invalid_login")


class XiufuAdminSite(admin.AdminSite):
    site_header = "xiufu 管理后台（只读）"
    site_title = "xiufu"
    index_title = "数据查看"
    login_form = ComplianceAdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and has_perm(request.user, Perm.USE_ADMIN))


admin_site = XiufuAdminSite(name="admin")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_perm(request.user, Perm.USE_ADMIN)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_perm(request.user, Perm.USE_ADMIN)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User, site=admin_site)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "display_name", "kind", "is_active", "last_login")
    list_filter = ("kind", "is_active")
    search_fields = ("username", "display_name")
    exclude = ("password",)


@admin.register(RoleGrant, site=admin_site)
class RoleGrantAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "granted_at")
    list_filter = ("role",)


@admin.register(EnterpriseMembership, site=admin_site)
class EnterpriseMembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "enterprise", "capacity")


@admin.register(PowerOfAttorney, site=admin_site)
class PowerOfAttorneyAdmin(ReadOnlyAdmin):
    list_display = ("membership", "reference", "valid_from", "valid_until", "revoked")


@admin.register(ApiToken, site=admin_site)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "created_at", "expires_at", "revoked_at")
    exclude = ("key_hash",)
