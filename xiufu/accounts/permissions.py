"""Least privilege: which staff role may do what.

Actions and selectors call ``require`` before they touch anything; views never decide alone. An
enterprise user holds no staff permission: what it may see is its own enterprise, enforced by the
selectors' scoping.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xiufu.accounts.choices import Role
from xiufu.core.errors import PermissionDenied


class Perm(StrEnum):
    VIEW_ENTERPRISES = "view_enterprises"
    REGISTER_ENTERPRISE = "register_enterprise"
    VIEW_CREDIT_RECORDS = "view_credit_records"
    VIEW_LEDGER = "view_ledger"
    VIEW_FULL_IDENTIFIER = "view_full_identifier"
    MANAGE_USERS = "manage_users"
    MANAGE_POWERS_OF_ATTORNEY = "manage_powers_of_attorney"
    VIEW_ACCESS_LOG = "view_access_log"
    VIEW_AUDIT_LOG = "view_audit_log"
    USE_ADMIN = "use_admin"
    LOAD_DEMO = "load_demo"
    VIEW_CASES = "view_cases"
    OPEN_CASE = "open_case"
    MANAGE_CALENDAR = "manage_calendar"
    MANAGE_RULE_PACKS = "manage_rule_packs"
    MANAGE_LETTER_TEMPLATES = "manage_letter_templates"
    SUBMIT_TO_BUREAU = "submit_to_bureau"


_READ = {Perm.VIEW_ENTERPRISES, Perm.VIEW_CREDIT_RECORDS, Perm.VIEW_CASES}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    # The clerk checks identity documents at the counter, so it needs full ID numbers.
    Role.INTAKE_CLERK: frozenset(
        _READ
        | {
            Perm.REGISTER_ENTERPRISE,
            Perm.VIEW_FULL_IDENTIFIER,
            Perm.MANAGE_POWERS_OF_ATTORNEY,
            Perm.OPEN_CASE,
        }
    ),
    # The investigator cross-verifies reported data against the ledger and the applicant.
    # Investigators also open proactive cases for errors the furnisher finds itself.
    Role.INVESTIGATOR: frozenset(
        _READ | {Perm.VIEW_LEDGER, Perm.VIEW_FULL_IDENTIFIER, Perm.OPEN_CASE}
    ),
    Role.APPROVER: frozenset(_READ | {Perm.VIEW_LEDGER}),
    # The reporter sends corrections to the bureau and resends what the outbox had to park.
    Role.REPORTER: frozenset(_READ | {Perm.SUBMIT_TO_BUREAU}),
    Role.COMPLIANCE_ADMIN: frozenset(
        _READ
        | {
            Perm.REGISTER_ENTERPRISE,
            Perm.VIEW_LEDGER,
            Perm.VIEW_FULL_IDENTIFIER,
            Perm.MANAGE_USERS,
            Perm.MANAGE_POWERS_OF_ATTORNEY,
            Perm.VIEW_ACCESS_LOG,
            Perm.VIEW_AUDIT_LOG,
            Perm.USE_ADMIN,
            Perm.LOAD_DEMO,
            Perm.MANAGE_CALENDAR,
            Perm.MANAGE_RULE_PACKS,
            Perm.MANAGE_LETTER_TEMPLATES,
        }
    ),
    # Read-only: sees everything an auditor must check, changes nothing, never full identifiers.
    Role.AUDITOR: frozenset(_READ | {Perm.VIEW_LEDGER, Perm.VIEW_ACCESS_LOG, Perm.VIEW_AUDIT_LOG}),
}


def permissions_of(user: Any) -> frozenset[Perm]:
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    granted: set[Perm] = set()
    for role in getattr(user, "roles", ()):
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)


def has_perm(user: Any, perm: Perm) -> bool:
    return perm in permissions_of(user)


def roles_with(perm: Perm) -> list[str]:
    return [str(role) for role, perms in ROLE_PERMISSIONS.items() if perm in perms]


def require(user: Any, perm: Perm) -> None:
    """Raise ``PermissionDenied`` (403, code ``role_required``) unless the user may do ``perm``."""
    if not has_perm(user, perm):
        labels = pgettext("list separator", "、").join(str(Role(r).label) for r in roles_with(perm))
        raise PermissionDenied(
            _("此操作需要以下角色之一：%(roles)s。") % {"roles": labels},
            code="role_required",
            details={"permission": str(perm), "roles": roles_with(perm)},
        )
