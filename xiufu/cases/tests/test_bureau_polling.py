from __future__ import annotations

import pytest

from xiufu.cases import actions
from xiufu.core.ticker import run_due_jobs

pytestmark = pytest.mark.django_db


def _submitted(drive):
    d = drive()
    d.to_accepted()
    d.investigate()
    d.find_all("error_confirmed")
    item = d.case.items.get()
    d.propose([{"item_id": item.pk, "action": "correct", "changes": [{"field": "overdue_days", "new": 0}]}])
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
    assert set(last_run) == {"check_clocks", "poll_bureau"}
    run_due_jobs(last_run, now=1001.0)  # not due again yet: nothing runs
    assert last_run == {"check_clocks": 1000.0, "poll_bureau": 1000.0}
