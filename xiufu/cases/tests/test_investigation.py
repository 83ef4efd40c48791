"""Investigation: coordination tasks to other departments and institutions, identity items."""

from __future__ import annotations

import datetime as dt

import pytest

from xiufu.cases import actions
from xiufu.cases.tests.driver import Driver
from xiufu.core.errors import InvalidInput, NotFound

pytestmark = pytest.mark.django_db


def test_coordination_task_to_another_department_is_asked_and_answered(drive, reporter):
    d = drive()
    d.to_accepted()
    d.investigate()
    task = actions.do_create_coordination_task(
        d.case_id,
        department="it",
        question="请提供2026年3月20日自动扣款批处理日志。",
        due_on=dt.date.today() + dt.timedelta(days=3),
        assignee_id=reporter.pk,
        expected_version=d.v,
        actor=d.cast.investigator,
    )
    assert (task.status, task.assignee) == ("open", reporter)
    case = actions.do_answer_coordination_task(
        d.case_id,
        task_id=task.pk,
        answer="日志显示当日批处理中断，扣款未执行。",
        expected_version=d.v,
        actor=reporter,
    )
    task.refresh_from_db()
    assert task.status == "answered"
    assert task.answered_by == reporter
    assert case.events.filter(event="answer_coordination_task").exists()
    with pytest.raises(NotFound):  # answered once only
        actions.do_answer_coordination_task(
            d.case_id, task_id=task.pk, answer="x", expected_version=d.v, actor=reporter
        )


def test_external_institution_must_be_named_and_due_date_in_future(drive):
    d = drive()
    d.to_accepted()
    d.investigate()
    with pytest.raises(InvalidInput) as caught:
        actions.do_create_coordination_task(
            d.case_id,
            department="external",
            question="请确认担保合同是否由贵司签署。",
            due_on=dt.date.today() + dt.timedelta(days=5),
            expected_version=d.v,
            actor=d.cast.investigator,
        )
    assert caught.value.details["field"] == "institution"
    with pytest.raises(InvalidInput) as past:
        actions.do_create_coordination_task(
            d.case_id,
            department="risk",
            question="请确认五级分类调整依据。",
            due_on=dt.date.today() - dt.timedelta(days=1),
            expected_version=d.v,
            actor=d.cast.investigator,
        )
    assert past.value.details["field"] == "due_on"
    assert not d.case.tasks.exists()


def test_another_investigator_cannot_record_findings(drive, db):
    from xiufu import factories as f
    from xiufu.accounts.choices import Role
    from xiufu.core.errors import PermissionDenied

    d = drive()
    d.to_accepted()
    d.investigate()
    colleague = f.staff(Role.INVESTIGATOR, username="colleague")
    item = d.case.items.get()
    with pytest.raises(PermissionDenied) as caught:
        actions.do_record_finding(
            d.case_id,
            item_id=item.pk,
            finding="no_error",
            reasons="x",
            expected_version=d.v,
            actor=colleague,
        )
    assert caught.value.code == "not_assigned_investigator"


def test_an_identity_field_can_be_disputed_and_corrected(cast, enterprise_a):
    case = actions.do_create_case(
        enterprise_id=enterprise_a.pk,
        claim="企业名称已变更，报告仍显示旧名称。",
        items=[
            {"record_kind": "identity", "identity_field": "name", "category": "identity_info_wrong"}
        ],
        actor=cast.applicant,
    )
    d = Driver(cast, case)
    d.to_accepted()
    d.investigate()
    d.find_all("error_confirmed")
    item = d.case.items.get()
    d.propose(
        [
            {
                "item_id": item.pk,
                "action": "correct",
                "changes": [{"field": "name", "new": "杭州甲新名称科技有限公司"}],
            }
        ]
    )
    d.approve()
    assert d.submit_correction().messages[0]["record_type"] == "310"
    d.confirm()
    enterprise_a.refresh_from_db()
    assert enterprise_a.name == "杭州甲新名称科技有限公司"
