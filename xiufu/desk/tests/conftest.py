"""Fixtures of the desk tests: the case fixtures of xiufu/cases, and helpers that read pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from xiufu.cases.models import Case
from xiufu.cases.tests.conftest import (  # noqa: F401 - fixtures shared with the case tests
    drive,
    overdue_loan,
    second_loan,
)


@pytest.fixture
def set_clock():
    """``set_clock(case_id, received_days_ago, due_in_days)``: place a running clock in time."""

    def _set(case_id: int, received_days_ago: int, due_in_days: int) -> None:
        today = timezone.localdate()
        Case.objects.filter(pk=case_id).update(
            received_on=today - dt.timedelta(days=received_days_ago),
            due_on=today + dt.timedelta(days=due_in_days),
        )

    return _set


STAGES = (
    "draft",
    "submitted",
    "formal_review",
    "awaiting_supplement",
    "accepted",
    "under_investigation",
    "findings_recorded",
    "correction_proposed",
    "correction_approved",
    "awaiting_confirmation",
    "bureau_rejected",
)


def correct_status(d):
    """A proposal for every item: the account status back to normal (as the ledger says)."""
    return [
        {"item_id": i.pk, "action": "correct", "changes": [{"field": "status", "new": "normal"}]}
        for i in d.case.items.all()
    ]


def advance(d, stage: str):
    from xiufu.cases import actions

    steps = [
        ("submitted", lambda: (d.upload_all(), d.submit())),
        (
            "formal_review",
            lambda: actions.do_start_review(d.case_id, expected_version=d.v, actor=d.cast.clerk),
        ),
        ("accepted", lambda: (d.review(), d.accept())),
        ("under_investigation", d.investigate),
        ("findings_recorded", lambda: d.find_all("error_confirmed")),
        ("correction_proposed", lambda: d.propose(correct_status(d))),
        ("correction_approved", d.approve),
        ("awaiting_confirmation", d.submit_correction),
        ("bureau_rejected", lambda: d.confirm(accepted=False, reason="报文格式错误")),
    ]
    if stage == "draft":
        return d
    for name, step in steps:
        if stage == "awaiting_supplement" and name == "accepted":
            d.review({"legal_rep_id": "missing"})
            actions.do_request_supplement(d.case_id, expected_version=d.v, actor=d.cast.clerk)
            return d
        step()
        if name == stage:
            return d
    raise ValueError(stage)


@pytest.fixture
def case_at(drive):  # noqa: F811 - the fixture imported above
    """``case_at(stage, **open_kwargs)`` → a Driver whose case has reached that state."""

    def _at(stage: str, **extra):
        d = advance(drive(**extra), stage)
        assert d.case.status == stage
        return d

    return _at
