"""The investigation workspace: the reported record beside the ledger truth, findings per item,
coordination tasks."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from xiufu import factories as f
from xiufu.accounts.choices import Role
from xiufu.audit.models import CreditDataAccess
from xiufu.cases.models import CoordinationTask

pytestmark = pytest.mark.django_db


def _row(html: str, name: str) -> str:
    match = re.search(rf'<tr[^>]*data-field="{name}">.*?</tr>', html, re.S)
    assert match, name
    return match.group(0)


def test_the_investigator_sees_the_reported_value_beside_the_ledger_truth(
    case_at, login, investigator
):
    # given a case under investigation of a loan reported 35 days overdue, paid on time per ledger
    d = case_at("under_investigation")
    item = d.case.items.get()
    # when the investigator opens it
    html = login(investigator).get(f"/desk/cases/{d.case_id}/").content.decode()
    # then both values stand side by side, the differing fields highlighted
    assert "报送记录与台账对照" in html
    overdue = _row(html, "overdue_days")
    assert 'class="marked"' in overdue
    assert "不一致" in overdue
    assert re.search(r"<td>35</td>\s*<td>0</td>", overdue)
    status = _row(html, "status")
    assert 'class="marked"' in status
    assert re.search(r"<td>逾期</td>\s*<td>正常</td>", status)
    assert 'class="marked"' not in _row(html, "principal")
    # and that read of the credit data is logged for the investigation, from the page
    read = CreditDataAccess.objects.get(actor=investigator, content="reported_and_ledger_loans")
    assert (read.purpose, read.channel, read.object_ids) == (
        "dispute_investigation",
        "page",
        [item.record_id],
    )


def test_staff_who_may_not_see_the_ledger_do_not(case_at, login, clerk, reporter):
    d = case_at("findings_recorded")
    for user in (clerk, reporter):
        html = login(user).get(f"/desk/cases/{d.case_id}/").content.decode()
        assert "报送记录与台账对照" not in html


def test_the_investigator_records_a_finding_through_the_form(case_at, login, investigator):
    d = case_at("under_investigation")
    item = d.case.items.get()
    client = login(investigator)
    response = client.post(
        f"/desk/cases/{d.case_id}/record_finding/",
        {
            "version": d.v,
            "item_id": item.pk,
            "finding": "error_confirmed",
            "reasons": "核心系统 2026-06-21 故障导致扣款失败，客户已按时足额存入。",
            "evidence": "核心系统故障报告 INC-0621\n客户账户流水",
            "rule_ids": ["CD-CAT-OVERDUE"],
            "verification_result": "",
        },
    )
    assert response.status_code == 302
    assert response.url.endswith("#items")
    item.refresh_from_db()
    assert item.finding == "error_confirmed"
    assert item.evidence_relied == ["核心系统故障报告 INC-0621", "客户账户流水"]
    assert item.finding_rule_ids == ["CD-FND-ERROR", "CD-CAT-OVERDUE"]
    assert item.reported_value["overdue_days"] == 35
    assert item.ledger_value["overdue_days"] == 0
    # the page now shows the finding and the stored comparison
    html = client.get(f"/desk/cases/{d.case_id}/").content.decode()
    assert "核查结论已记录。" in html
    assert "记录核查结论时的快照" in html
    assert "确有错误" in html
    # and the action's own read of the record and the ledger was logged as from the page
    assert CreditDataAccess.objects.filter(
        actor=investigator, content="reported_and_ledger_loans", channel="page"
    ).exists()


def test_undetermined_needs_the_verification_result(case_at, login, investigator):
    d = case_at("under_investigation")
    item = d.case.items.get()
    response = login(investigator).post(
        f"/desk/cases/{d.case_id}/record_finding/",
        {"version": d.v, "item_id": item.pk, "finding": "undetermined", "reasons": "档案缺失"},
    )
    html = response.content.decode()
    assert "无法确认的，须记载核查情况（《征信业管理条例》第二十五条）。" in html
    assert "档案缺失" in html  # what was typed is kept
    item.refresh_from_db()
    assert item.finding == ""


def test_only_the_assigned_investigator_records_findings(case_at, login):
    d = case_at("under_investigation")
    other = f.staff(Role.INVESTIGATOR, username="investigator2")
    item = d.case.items.get()
    response = login(other).post(
        f"/desk/cases/{d.case_id}/record_finding/",
        {"version": d.v, "item_id": item.pk, "finding": "no_error", "reasons": "无误"},
    )
    assert "只有本案的核查员可以办理此事项。" in response.content.decode()


def test_completing_and_the_non_repair_notice(case_at, login, investigator):
    d = case_at("under_investigation")
    d.find(d.case.items.get().pk, "no_error")
    client = login(investigator)
    assert (
        client.post(
            f"/desk/cases/{d.case_id}/complete_investigation/", {"version": d.v}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/desk/cases/{d.case_id}/draft_non_repair_notice/", {"version": d.v}
        ).status_code
        == 302
    )
    assert d.case.status == "non_repair_notice"
    html = client.get(f"/desk/cases/{d.case_id}/").content.decode()
    assert "不予修复说明" in html
    assert "其他救济途径" in html


def test_coordination_tasks_are_created_and_answered(case_at, login, investigator, reporter):
    # given a case under investigation
    d = case_at("under_investigation")
    item = d.case.items.get()
    due = timezone.localdate() + dt.timedelta(days=3)
    # when the investigator asks the IT department
    response = login(investigator).post(
        f"/desk/cases/{d.case_id}/create_coordination_task/",
        {
            "version": d.v,
            "department": "it",
            "institution": "",
            "question": "请提供 2026-06-21 核心系统故障期间的扣款日志。",
            "due_on": due.isoformat(),
            "item_id": item.pk,
            "assignee": reporter.pk,
        },
    )
    assert response.status_code == 302
    task = CoordinationTask.objects.get(case_id=d.case_id)
    assert (task.department, task.item_id, task.assignee_id, task.due_on) == (
        "it",
        item.pk,
        reporter.pk,
        due,
    )
    # then the reporter sees it with an answer form and answers
    html = login(reporter).get(f"/desk/cases/{d.case_id}/").content.decode()
    assert "请提供 2026-06-21 核心系统故障期间的扣款日志。" in html
    assert f'name="task_id" value="{task.pk}"' in html
    response = login(reporter).post(
        f"/desk/cases/{d.case_id}/answer_coordination_task/",
        {"version": d.v, "task_id": task.pk, "answer": "日志已附，扣款失败系故障所致。"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "answered"
    assert task.answered_by == reporter


def test_a_task_for_an_external_institution_needs_its_name(case_at, login, investigator):
    d = case_at("under_investigation")
    response = login(investigator).post(
        f"/desk/cases/{d.case_id}/create_coordination_task/",
        {
            "version": d.v,
            "department": "external",
            "question": "请核对担保合同。",
            "due_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        },
    )
    assert "请填写外部机构名称。" in response.content.decode()
    assert not CoordinationTask.objects.exists()
