"""Users, their staff roles, their binding to an enterprise, powers of attorney, API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from xiufu.accounts.choices import Capacity, Role, UserKind


class User(AbstractUser):
    """A person who signs in: a member of staff, or a user acting for exactly one enterprise."""

    kind = models.CharField(max_length=12, choices=UserKind.choices, default=UserKind.STAFF)
    display_name = models.CharField("姓名", max_length=100, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_enterprise_user(self) -> bool:
        return self.kind == UserKind.ENTERPRISE

    @property
    def is_staff_user(self) -> bool:
        return self.kind == UserKind.STAFF

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_staff_user or not self.is_active:
            return frozenset()
        return frozenset(self.role_grants.values_list("role", flat=True))

    @cached_property
    def membership(self) -> EnterpriseMembership | None:
        if not self.is_enterprise_user:
            return None
        return (
            EnterpriseMembership.objects.select_related("enterprise", "person")
            .filter(user=self)
            .first()
        )

    @property
    def enterprise_id(self) -> int | None:
        membership = self.membership
        return membership.enterprise_id if membership else None


class RoleGrant(models.Model):
    """One staff role held by one user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=30, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_grant")]
        verbose_name = "角色授予"
        verbose_name_plural = "角色授予"

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class EnterpriseMembership(models.Model):
    """Binds an enterprise user to exactly one enterprise, in one capacity."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="+")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="memberships"
    )
    person = models.ForeignKey("enterprises.Person", on_delete=models.PROTECT, related_name="+")
    capacity = models.CharField(max_length=30, choices=Capacity.choices)

    class Meta:
        verbose_name = "企业用户绑定"
        verbose_name_plural = "企业用户绑定"

    def __str__(self) -> str:
        return f"{self.user} → {self.enterprise} ({self.get_capacity_display()})"

    def current_power_of_attorney(self, on: dt.date | None = None) -> PowerOfAttorney | None:
        day = on or timezone.localdate()
        return (
            self.powers_of_attorney.filter(valid_from__lte=day, valid_until__gte=day, revoked=False)
            .order_by("-valid_until")
            .first()
        )

    def may_act(self, on: dt.date | None = None) -> bool:
        """A legal representative always may; an agent only under a valid power of attorney."""
        if self.capacity == Capacity.LEGAL_REPRESENTATIVE:
            return True
        return self.current_power_of_attorney(on) is not None


class PowerOfAttorney(models.Model):
    """企业法定代表人授权委托证明书: the enterprise authorises an agent for a period."""

    membership = models.ForeignKey(
        EnterpriseMembership, on_delete=models.CASCADE, related_name="powers_of_attorney"
    )
    reference = models.CharField("委托书编号", max_length=60, blank=True)
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期止")
    scope = models.CharField("委托事项", max_length=200, default="办理企业征信异议及信用修复事宜")
    revoked = models.BooleanField(default=False)
    registered_at = models.DateTimeField(auto_now_add=True)
    registered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="poa_valid_range",
            )
        ]
        verbose_name = "授权委托书"
        verbose_name_plural = "授权委托书"

    def __str__(self) -> str:
        return f"{self.reference or self.pk} {self.valid_from}–{self.valid_until}"


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for integrations. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now
