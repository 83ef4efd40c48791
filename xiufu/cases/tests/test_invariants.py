"""Random sequences of actions keep the workflow's invariants.

Whatever order people press buttons in — allowed or not — the case's status is the replay of its
events, the events are numbered without gaps, and an item carries its dispute mark exactly while
it is open (accepted and not yet resolved; an undeterminable item stays marked, Art. 25).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiufu.cases import actions
from xiufu.cases.models import CaseEvent
from xiufu.cases.tests.driver import Driver
from xiufu.core.errors import DomainError

FIX = [{"field": "overdue_days", "new": 0}]


def _each_item(d: Driver, finding: str) -> None:
    for item in d.case.items.filter(finding=""):
        d.find(item.pk, finding)


def _propose(d: Driver) -> None:
    errors = d.case.items.filter(finding="error_confirmed")
    d.propose([{"item_id": i.pk, "action": "correct", "changes": FIX} for i in errors])


def _do(name: str, d: Driver) -> None:
    c, v = d.cast, d.v
    moves: dict[str, Callable[[], object]] = {
        "upload": lambda: d.upload_all(),
        "upload_one": lambda: d.upload("application_form"),
        "submit": d.submit,
        "start_review": lambda: actions.do_start_review(
            d.case_id, expected_version=v, actor=c.clerk
        ),
        "review_ok": lambda: d.review(),
        "review_defect": lambda: d.review({"application_form": "defective"}),
        "request_supplement": lambda: actions.do_request_supplement(
            d.case_id, expected_version=v, actor=c.clerk
        ),
        "supplement": lambda: actions.do_submit_supplement(
            d.case_id, expected_version=v, actor=c.applicant
        ),
        "accept": d.accept,
        "reject": lambda: actions.do_reject_case(
            d.case_id,
            ground="still_incomplete",
            reason="补正后仍不齐备",
            expected_version=v,
            actor=c.clerk,
        ),
        "investigate": d.investigate,
        "find_error": lambda: _each_item(d, "error_confirmed"),
        "find_no_error": lambda: _each_item(d, "no_error"),
        "find_undetermined": lambda: _each_item(d, "undetermined"),
        "complete": lambda: actions.do_complete_investigation(
            d.case_id, expected_version=v, actor=c.investigator
        ),
        "non_repair": lambda: actions.do_draft_non_repair_notice(
            d.case_id, expected_version=v, actor=c.investigator
        ),
        "propose": lambda: _propose(d),
        "approve": d.approve,
        "return": lambda: actions.do_return_correction(
            d.case_id, reason="再核", expected_version=v, actor=c.approver
        ),
        "submit_correction": d.submit_correction,
        "bureau_accepts": lambda: d.confirm(True),
        "bureau_rejects": lambda: d.confirm(False, "格式错误"),
        "rework": lambda: actions.do_rework_correction(
            d.case_id, reason="重做", expected_version=v, actor=c.reporter
        ),
        "reply": d.reply,
        "close": d.close,
        "withdraw": lambda: actions.do_withdraw_case(
            d.case_id, reason="不再需要", expected_version=v, actor=c.applicant
        ),
        "reopen": lambda: actions.do_reopen_case(
            d.case_id, reason="新证据", expected_version=v, actor=c.clerk
        ),
    }
    moves[name]()


MOVE_NAMES = [
    "upload", "upload_one", "submit", "start_review", "review_ok", "review_defect",
    "request_supplement", "supplement", "accept", "reject", "investigate", "find_error",
    "find_no_error", "find_undetermined", "complete", "non_repair", "propose", "approve",
    "return", "submit_correction", "bureau_accepts", "bureau_rejects", "rework", "reply",
    "close", "withdraw", "reopen",
]  # fmt: skip

# Random moves from a random point on the flowchart, so that the late states get exercised too.
TO_ACCEPTED = ["upload", "submit", "start_review", "review_ok", "accept", "investigate"]
PREFIXES = [
    [],
    TO_ACCEPTED,
    [*TO_ACCEPTED, "find_error", "complete", "propose"],
    [*TO_ACCEPTED, "find_error", "complete", "propose", "approve", "submit_correction"],
    [*TO_ACCEPTED, "find_no_error", "complete", "non_repair", "reply"],
    [*TO_ACCEPTED, "find_undetermined", "complete", "non_repair", "reply", "close"],
]


def _check_invariants(d: Driver) -> None:
    case = d.case
    events = list(CaseEvent.objects.filter(case_id=d.case_id).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(a.at <= b.at for a, b in itertools.pairwise(events))
    replayed = ""
    for e in events:
        assert e.from_status == replayed, (e.event, e.from_status, replayed)
        replayed = e.to_status
    assert replayed == case.status
    assert case.version == len(events)  # every event after creation bumped the version once
    accepted = any(e.event == "accept" for e in events)
    for item in case.items.all():
        open_item = accepted and item.outcome in ("", "undetermined")
        assert item.dispute_marked == open_item, (case.status, item.outcome, item.dispute_marked)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.sampled_from(PREFIXES),
    st.lists(st.sampled_from(MOVE_NAMES), max_size=18),
)
def test_random_action_sequences_keep_the_invariants(drive, prefix, moves):
    d = drive()
    for name in prefix + moves:
        with contextlib.suppress(DomainError):  # a refused move must change nothing
            _do(name, d)
        _check_invariants(d)
