"""Two actions on one case at once: one wins, the other is told ``case_changed``."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from xiufu.cases import actions
from xiufu.cases.models import Case, CaseEvent
from xiufu.core.errors import Conflict


def test_a_stale_version_is_refused_with_case_changed(db, drive):
    d = drive()
    d.upload_all()
    stale = d.v
    d.to_review()
    with pytest.raises(Conflict) as caught:
        actions.do_start_review(d.case_id, expected_version=stale, actor=d.cast.clerk)
    assert caught.value.code == "case_changed"
    assert caught.value.details["current_version"] == d.v


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real row locks: PostgreSQL is production"
)
@pytest.mark.django_db(transaction=True)
def test_two_clerks_accepting_at_once(drive):
    d = drive()
    d.upload_all()
    d.to_review()
    d.review()
    version = d.v
    events_before = CaseEvent.objects.filter(case_id=d.case_id).count()
    barrier = threading.Barrier(2)
    results: list[object] = []

    def accept() -> None:
        try:
            barrier.wait()
            results.append(
                actions.do_accept_case(d.case_id, expected_version=version, actor=d.cast.clerk)
            )
        except Conflict as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    wins = [r for r in results if isinstance(r, Case)]
    losses = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1
    assert len(losses) == 1
    assert losses[0].code == "case_changed"
    case = Case.objects.get(pk=d.case_id)
    assert case.version == version + 1
    assert CaseEvent.objects.filter(case_id=d.case_id).count() == events_before + 1
