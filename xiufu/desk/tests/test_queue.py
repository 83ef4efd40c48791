"""The role queues: the right cases per role, soonest deadline first, coloured by clock."""

from __future__ import annotations

import pytest

from xiufu import factories as f
from xiufu.accounts.choices import Role
from xiufu.cases import actions
from xiufu.desk.queues import QUEUES

pytestmark = pytest.mark.django_db


def _queues(client) -> dict[str, list[str]]:
    response = client.get("/desk/")
    assert response.status_code == 200
    return {v.queue.code: [r.case.number for r in v.rows] for v in response.context["queues"]}


@pytest.fixture
def world(case_at):
    """One case in each state a queue is about."""
    stages = (
        "draft",
        "submitted",
        "formal_review",
        "awaiting_supplement",
        "accepted",
        "under_investigation",
        "correction_proposed",
        "correction_approved",
        "awaiting_confirmation",
        "bureau_rejected",
    )
    return {stage: case_at(stage).case.number for stage in stages}


def test_each_role_sees_the_states_it_works(world, login, clerk, approver, reporter):
    # when each role opens its queue
    clerk_q, approver_q, reporter_q = (_queues(login(u)) for u in (clerk, approver, reporter))
    # then
    assert set(clerk_q["intake"]) == {
        world["submitted"],
        world["formal_review"],
        world["awaiting_supplement"],
    }
    assert set(approver_q) == {"approval"}
    assert approver_q["approval"] == [world["correction_proposed"]]
    assert set(reporter_q["submission"]) == {
        world["correction_approved"],
        world["awaiting_confirmation"],
        world["bureau_rejected"],
    }


def test_investigators_see_the_team_queue_and_their_own_cases(world, case_at, login, investigator):
    # given a case that another investigator has taken
    other = f.staff(Role.INVESTIGATOR, username="investigator2")
    theirs = case_at("accepted")
    actions.do_start_investigation(theirs.case_id, expected_version=theirs.v, actor=other)
    # when each investigator opens the queue
    mine, others = _queues(login(investigator)), _queues(login(other))
    # then the team queue has every case to investigate, "mine" only one's own open cases
    assert set(mine["investigation"]) == {
        world["accepted"],
        world["under_investigation"],
        theirs.case.number,
    }
    assert world["under_investigation"] in mine["mine"]
    assert world["bureau_rejected"] in mine["mine"]
    assert theirs.case.number not in mine["mine"]
    assert others["mine"] == [theirs.case.number]


def test_compliance_and_auditors_see_every_open_case_but_not_drafts(
    world, login, compliance, auditor
):
    for user in (compliance, auditor):
        queues = _queues(login(user))
        assert set(queues) == {"open"}
        assert set(queues["open"]) == set(world.values()) - {world["draft"]}


def test_a_person_with_several_roles_sees_several_queues(world, login):
    both = f.staff(Role.INTAKE_CLERK, Role.APPROVER, username="clerk_and_approver")
    assert list(_queues(login(both))) == ["intake", "reply", "approval"]


def test_queues_are_sorted_by_deadline_and_coloured_by_clock(
    case_at, set_clock, login, investigator
):
    # given three accepted cases: on track, at risk and in breach of their 20 days
    on_track, at_risk, breached = (case_at("accepted") for _ in range(3))
    set_clock(on_track.case_id, received_days_ago=2, due_in_days=18)
    set_clock(at_risk.case_id, received_days_ago=18, due_in_days=2)
    set_clock(breached.case_id, received_days_ago=21, due_in_days=-1)
    # when the investigator opens the queue
    response = login(investigator).get("/desk/")
    rows = {v.queue.code: v.rows for v in response.context["queues"]}["investigation"]
    # then soonest first, each with its clock colour and countdown
    assert [r.case.pk for r in rows] == [breached.case_id, at_risk.case_id, on_track.case_id]
    assert [r.clock["state"] for r in rows] == ["breached", "at_risk", "on_track"]
    html = response.content.decode()
    assert '<span class="badge clock-breached">已超期 1 天</span>' in html
    assert '<span class="badge clock-at_risk">剩余 2 天（临近期限）</span>' in html
    assert '<span class="badge clock-on_track">剩余 18 天</span>' in html
    numbers = [d.case.number for d in (breached, at_risk, on_track)]
    assert html.index(numbers[0]) < html.index(numbers[1]) < html.index(numbers[2])


def test_every_queue_is_declared_for_a_staff_role():
    assert {r for q in QUEUES for r in q.roles} == set(Role.values)
