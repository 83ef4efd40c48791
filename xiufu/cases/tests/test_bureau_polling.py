from __future__ import annotations

import pytest

from xiufu.cases import actions
from xiufu.core.ticker import run_due_jobs
from xiufu.evidence.models import LogEntry, SignedCheckpoint

pytestmark = pytest.mark.django_db


def _submitted(drive):
    d = drive()
    d.to_accepted()
    d.investigate()
    d.find_all("error_confirmed")
    item = d.case.items.get()
    d.propose(
        [
            {
                "item_id": item.pk,
                "action": "correct",
                "changes": [{"field": "overdue_days", "new": 0}],
            }
        ]
    )
    d.approve()
    d.submit_correction()
    return d


def test_polling_the_in_process_bureau_confirms_the_submission(drive):
    d = _submitted(drive)
    assert actions.do_poll_bureau() == [d.case.number]
    case = d.case
    assert case.status == "bureau_confirmed"
    assert case.events.last().actor is None  # recorded by the system
    assert actions.do_poll_bureau() == []


def test_the_ticker_runs_the_due_jobs(drive):
    d = _submitted(drive)
    last_run: dict[str, float] = {}
    run_due_jobs(last_run, now=1000.0)
    assert d.case.status == "bureau_confirmed"
    assert set(last_run) == {
        "check_clocks",
        "poll_bureau",
        "deliver_outbox",
        "poll_outbox_feedback",
        "publish_checkpoint",
    }
    # the materials uploaded on the way are covered by the checkpoint the ticker published
    assert SignedCheckpoint.objects.get().size == LogEntry.objects.count() > 0
    run_due_jobs(last_run, now=1000.5)  # not due again yet: nothing runs
    assert set(last_run.values()) == {1000.0}


def test_manual_adapter_waits_for_the_reporter(drive):
    d = drive()
    d.to_accepted()
    d.investigate()
    d.find_all("error_confirmed")
    item = d.case.items.get()
    d.propose(
        [
            {
                "item_id": item.pk,
                "action": "correct",
                "changes": [{"field": "overdue_days", "new": 0}],
            }
        ]
    )
    d.approve()
    submission = actions.do_submit_correction(
        d.case_id, expected_version=d.v, actor=d.cast.reporter, adapter_code="manual"
    )
    assert submission.status == "submitted"
    assert d.case.status == "correction_submitted"
    assert actions.do_poll_bureau() == []
    actions.do_acknowledge_submission(d.case_id, expected_version=d.v, actor=d.cast.reporter)
    assert d.confirm().status == "bureau_confirmed"
