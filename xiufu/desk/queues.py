"""The desk's role queues, declared once: which role works which states.

A user with several roles sees several queues; a queue shared by two of them is shown once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xiufu.accounts.choices import Role
from xiufu.cases.choices import CaseStatus as S

# Everything staff still has to do something about: not the enterprise's unsent draft, not closed.
STAFF_OPEN = tuple(s.value for s in S if s not in (S.DRAFT, S.CLOSED))


@dataclass(frozen=True)
class Queue:
    code: str
    title: str | Promise
    roles: frozenset[str]
    states: tuple[str, ...]
    # Only the cases whose assigned investigator is the user.
    mine: bool = False


def _q(
    code: str, title: Promise, roles: tuple[str, ...], states: tuple[str, ...], mine: bool = False
) -> Queue:
    return Queue(code, title, frozenset(roles), tuple(str(s) for s in states), mine)


QUEUES: tuple[Queue, ...] = (
    _q(
        "intake",
        _("受理与形式审核"),
        (Role.INTAKE_CLERK,),
        (S.SUBMITTED, S.FORMAL_REVIEW, S.AWAITING_SUPPLEMENT),
    ),
    _q(
        "reply",
        _("待答复与办结"),
        (Role.INTAKE_CLERK,),
        (
            S.BUREAU_CONFIRMED,
            S.NON_REPAIR_NOTICE,
            S.REPLY_ISSUED,
            S.REJECTED_AT_INTAKE,
            S.WITHDRAWN,
        ),
    ),
    _q(
        "investigation",
        _("待核查"),
        (Role.INVESTIGATOR,),
        (S.ACCEPTED, S.UNDER_INVESTIGATION, S.FINDINGS_RECORDED, S.REOPENED),
    ),
    _q("mine", _("我的案件"), (Role.INVESTIGATOR,), STAFF_OPEN, mine=True),
    _q("approval", _("待审批"), (Role.APPROVER,), (S.CORRECTION_PROPOSED,)),
    _q(
        "submission",
        _("报送与跟踪"),
        (Role.REPORTER,),
        (S.CORRECTION_APPROVED, S.CORRECTION_SUBMITTED, S.AWAITING_CONFIRMATION, S.BUREAU_REJECTED),
    ),
    _q("open", _("全部在办案件"), (Role.COMPLIANCE_ADMIN, Role.AUDITOR), STAFF_OPEN),
)


def queues_for(roles: frozenset[str]) -> list[Queue]:
    """The queues of these roles, in declaration order."""
    return [queue for queue in QUEUES if queue.roles & roles]
