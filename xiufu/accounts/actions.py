"""Writes on accounts: staff users and their roles, enterprise users, powers of attorney, tokens."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xiufu.accounts.choices import Capacity, Role, UserKind
from xiufu.accounts.models import (
    ApiToken,
    EnterpriseMembership,
    PowerOfAttorney,
    RoleGrant,
    User,
    hash_token,
)
from xiufu.accounts.permissions import Perm, require
from xiufu.audit import events
from xiufu.audit.actions import record_event
from xiufu.core.errors import Conflict, ErrorCode, InvalidInput, NotFound
from xiufu.enterprises.actions import find_or_register_person
from xiufu.enterprises.models import Enterprise

TOKEN_PREFIX = "xf_"  # noqa: S105 - a visible prefix, not a secret


def _check_new_username(username: str) -> str:
    username = username.strip()
    if not username or len(username) > 150:
        raise InvalidInput(
            ErrorCode.INVALID_INPUT,
            _("用户名长度应为1至150个字符。"),
            details={"field": "username"},
        )
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(
            ErrorCode.DUPLICATE,
            _("用户名“%(username)s”已被使用。") % {"username": username},
            details={"field": "username"},
        )
    return username


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(
            "weak_password",
            pgettext("list separator", "；").join(exc.messages),
            details={"field": "password"},
        ) from None


def _check_roles(roles: Iterable[str]) -> list[str]:
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in Role.values]
    if unknown or not roles:
        raise InvalidInput(
            ErrorCode.INVALID_INPUT,
            _("角色无效：%(roles)s") % {"roles": pgettext("list separator", "、").join(unknown)}
            if unknown
            else _("员工至少需要一个角色。"),
            details={"field": "roles", "choices": list(Role.values)},
        )
    return roles


@transaction.atomic
def do_create_staff_user(
    *, username: str, password: str, display_name: str, roles: Iterable[str], actor: Any
) -> User:
    """Create a member of staff with one or more roles."""
    require(actor, Perm.MANAGE_USERS)
    roles = _check_roles(roles)
    user = User(username=_check_new_username(username), display_name=display_name.strip())
    user.kind = UserKind.STAFF
    _check_password(password, user)
    user.set_password(password)
    user.save()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles])
    record_event(
        events.STAFF_USER_CREATED,
        actor=actor,
        target=user,
        payload={"username": user.username, "roles": roles},
    )
    return user


@transaction.atomic
def do_set_roles(user_id: int, *, roles: Iterable[str], actor: Any) -> User:
    """Replace a staff user's roles."""
    require(actor, Perm.MANAGE_USERS)
    roles = _check_roles(roles)
    user = User.objects.select_for_update().filter(pk=user_id, kind=UserKind.STAFF).first()
    if user is None:
        raise NotFound(_("未找到该员工。"), what="user")
    RoleGrant.objects.filter(user=user).exclude(role__in=roles).delete()
    for role in roles:
        RoleGrant.objects.get_or_create(user=user, role=role)
    record_event(
        events.ROLES_CHANGED,
        actor=actor,
        target=user,
        payload={"username": user.username, "roles": roles},
    )
    return user


def _check_poa_dates(valid_from: dt.date, valid_until: dt.date) -> None:
    if valid_until < valid_from:
        raise InvalidInput(
            ErrorCode.INVALID_INPUT,
            _("授权委托书的有效期止不能早于有效期起。"),
            details={"field": "power_of_attorney.valid_until"},
        )


@transaction.atomic
def do_create_enterprise_user(
    *,
    username: str,
    password: str,
    enterprise_id: int,
    capacity: str,
    person: dict[str, str],
    power_of_attorney: dict[str, Any] | None = None,
    actor: Any,
) -> User:
    """Create a user bound to one enterprise, as its legal representative or as an agent.

    An agent needs a power of attorney with its validity dates; a legal representative must be
    the person registered as the enterprise's legal representative.
    """
    require(actor, Perm.MANAGE_USERS)
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
    if enterprise is None:
        raise NotFound(_("未找到该企业。"), what="enterprise")
    if capacity not in Capacity.values:
        raise InvalidInput(
            ErrorCode.INVALID_INPUT,
            _("身份“%(capacity)s”无效。") % {"capacity": capacity},
            details={"field": "capacity", "choices": list(Capacity.values)},
        )
    if capacity == Capacity.AGENT and not power_of_attorney:
        raise InvalidInput(
            "power_of_attorney_required",
            _("经办人须登记授权委托书（含有效期）。"),
            details={"field": "power_of_attorney"},
        )
    if power_of_attorney:
        _check_poa_dates(power_of_attorney["valid_from"], power_of_attorney["valid_until"])
    user = User(username=_check_new_username(username), display_name=person["name"].strip())
    user.kind = UserKind.ENTERPRISE
    _check_password(password, user)
    someone = find_or_register_person(actor=actor, field="person", **person)
    if (
        capacity == Capacity.LEGAL_REPRESENTATIVE
        and someone.pk != enterprise.legal_representative_id
    ):
        raise InvalidInput(
            "not_legal_representative",
            _("该自然人不是此企业登记的法定代表人。"),
            details={"field": "person"},
        )
    user.set_password(password)
    user.save()
    membership = EnterpriseMembership.objects.create(
        user=user, enterprise=enterprise, person=someone, capacity=capacity
    )
    record_event(
        events.ENTERPRISE_USER_CREATED,
        actor=actor,
        target=user,
        payload={"username": user.username, "enterprise_id": enterprise.pk, "capacity": capacity},
    )
    if power_of_attorney:
        _add_power_of_attorney(membership, power_of_attorney, actor=actor)
    return user


def _add_power_of_attorney(
    membership: EnterpriseMembership, data: dict[str, Any], *, actor: Any
) -> PowerOfAttorney:
    poa = PowerOfAttorney.objects.create(
        membership=membership,
        reference=str(data.get("reference", "")).strip(),
        valid_from=data["valid_from"],
        valid_until=data["valid_until"],
        registered_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(
        events.POWER_OF_ATTORNEY_REGISTERED,
        actor=actor,
        target=poa,
        payload={
            "username": membership.user.username,
            "valid_from": poa.valid_from.isoformat(),
            "valid_until": poa.valid_until.isoformat(),
        },
    )
    return poa


@transaction.atomic
def do_register_power_of_attorney(
    user_id: int, *, valid_from: dt.date, valid_until: dt.date, reference: str = "", actor: Any
) -> PowerOfAttorney:
    """Register a (renewed) power of attorney for an agent."""
    require(actor, Perm.MANAGE_POWERS_OF_ATTORNEY)
    membership = EnterpriseMembership.objects.select_related("user").filter(user_id=user_id).first()
    if membership is None or membership.capacity != Capacity.AGENT:
        raise NotFound(_("未找到该经办人。"), what="agent")
    _check_poa_dates(valid_from, valid_until)
    data = {"valid_from": valid_from, "valid_until": valid_until, "reference": reference}
    return _add_power_of_attorney(membership, data, actor=actor)


@transaction.atomic
def do_issue_api_token(
    user_id: int, *, name: str, expires_at: dt.datetime | None = None, actor: Any
) -> tuple[ApiToken, str]:
    """Issue a bearer token for an integration; returns the token and its key (shown once)."""
    require(actor, Perm.MANAGE_USERS)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound(_("未找到该用户。"), what="user")
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidInput(
            ErrorCode.INVALID_INPUT,
            _("令牌的到期时间必须晚于现在。"),
            details={"field": "expires_at"},
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip() or "integration",
        prefix=key[:10],
        key_hash=hash_token(key),
        expires_at=expires_at,
    )
    record_event(
        events.API_TOKEN_ISSUED,
        actor=actor,
        target=token,
        payload={"username": user.username, "name": token.name},
    )
    return token, key


@transaction.atomic
def do_revoke_api_token(token_id: int, *, actor: Any) -> ApiToken:
    require(actor, Perm.MANAGE_USERS)
    token = ApiToken.objects.select_for_update().select_related("user").filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("未找到该令牌。"), what="api_token")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            events.API_TOKEN_REVOKED,
            actor=actor,
            target=token,
            payload={"username": token.user.username, "name": token.name},
        )
    return token
