"""The dashboard: cases by state, and the clocks at risk and in breach."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_counts_by_state_and_the_cases_at_risk_and_in_breach(case_at, set_clock, login, auditor):
    # given two accepted cases, one at risk and one in breach, and one in formal review
    at_risk, breached = case_at("accepted"), case_at("accepted")
    set_clock(at_risk.case_id, received_days_ago=18, due_in_days=2)
    set_clock(breached.case_id, received_days_ago=25, due_in_days=-5)
    in_review = case_at("formal_review")
    # when the auditor opens the dashboard
    response = login(auditor).get("/desk/dashboard/")
    # then
    assert response.status_code == 200
    board = response.context["dashboard"]
    counts = {code: n for code, _label, n in board.counts}
    assert counts["accepted"] == 2
    assert counts["formal_review"] == 1
    assert counts["closed"] == 0
    assert board.total == 3
    assert board.running == 2
    assert [r.case.pk for r in board.at_risk] == [at_risk.case_id]
    assert [r.case.pk for r in board.breached] == [breached.case_id]
    html = response.content.decode()
    assert '<td data-status="accepted">2</td>' in html
    assert "形式审核中" in html  # the Chinese label of each state
    assert f'href="/desk/cases/{breached.case_id}/"' in html
    assert f'href="/desk/cases/{at_risk.case_id}/"' in html
    assert f'href="/desk/cases/{in_review.case_id}/"' not in html
    assert 'href="/desk/search/?status=accepted"' in html
