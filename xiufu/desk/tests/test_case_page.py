"""The case page: what it shows, and exactly the buttons the workflow allows this person."""

from __future__ import annotations

import pytest

from xiufu import factories as f
from xiufu.accounts.choices import Role
from xiufu.audit.models import CreditDataAccess
from xiufu.cases import selectors
from xiufu.desk.operations import OPERATIONS, events_of, offered
from xiufu.desk.tests.conftest import STAGES
from xiufu.desk.tests.html import main_of, operations_on

pytestmark = pytest.mark.django_db

# Events the desk deliberately offers no form for (editing a draft's items is the portal's).
NOT_ON_THE_DESK = {"edit_draft"}


def _expected(user, case) -> set[str]:
    events = set(selectors.events_for_actor(user, case))
    ops = {key for key in OPERATIONS if offered(key, user, case, events)}
    if not case.tasks.filter(status="open").exists():
        ops.discard("answer_coordination_task")  # one answer form per open task
    return ops


@pytest.mark.parametrize("stage", STAGES)
def test_the_page_offers_exactly_the_events_this_person_may_trigger(
    stage, case_at, login, clerk, investigator, approver, reporter, compliance, auditor
):
    d = case_at(stage)
    case = d.case
    for user in (clerk, investigator, approver, reporter, compliance, auditor):
        # when each role opens the case
        response = login(user).get(f"/desk/cases/{case.pk}/")
        assert response.status_code == 200
        # then its forms are exactly the allowed events, and every allowed event has one
        on_page = operations_on(response.content.decode())
        assert on_page == _expected(user, case), (stage, user.username)
        covered = {e for key in on_page for e in events_of(key)}
        missing = set(selectors.events_for_actor(user, case)) - covered - NOT_ON_THE_DESK
        assert missing <= {"answer_coordination_task"}, (stage, user.username, missing)


def test_the_auditor_sees_everything_and_can_do_nothing(case_at, login, auditor):
    d = case_at("correction_proposed")
    html = login(auditor).get(f"/desk/cases/{d.case_id}/").content.decode()
    assert operations_on(html) == set()
    assert d.case.number in html
    assert "更正待审批" in html


def test_the_page_shows_parties_items_and_the_timeline(case_at, login, clerk, investigator):
    # given an accepted case of 杭州甲科技 under investigation
    d = case_at("under_investigation")
    case, item = d.case, d.case.items.get()
    # when the clerk opens it
    html = main_of(login(clerk).get(f"/desk/cases/{case.pk}/").content.decode())
    # then the parties
    assert case.enterprise.name in html
    assert case.enterprise.uscc in html
    assert "法定代表人" in html
    assert "企业门户" in html
    assert str(investigator) in html
    # the disputed item: kind, business id, category label from the pack, remedy, mark
    assert item.business_id in html
    assert "借贷交易信息" in html
    assert "逾期记录有误" in html
    assert "异议标注中" in html
    # the full timeline, with the workflow's labels and the rule ids
    labels = ("创建申请", "提交申请", "开始形式审核", "逐项审核材料", "受理（异议标注、起算时限）")
    for label in (*labels, "开始核查"):
        assert label in html
    assert "CD-DL-REPLY" in html


def test_opening_the_page_logs_the_read_of_the_case(case_at, login, clerk):
    d = case_at("formal_review")
    login(clerk).get(f"/desk/cases/{d.case_id}/")
    read = CreditDataAccess.objects.filter(actor=clerk, content="case").get()
    assert read.channel == "page"
    assert read.purpose == "formal_review"
    assert read.object_ids == [d.case_id]


def test_a_stale_version_shows_the_message_and_changes_nothing(case_at, login, clerk):
    # given the clerk opened the case at version v
    d = case_at("formal_review")
    seen = d.v
    # and someone else reviewed it meanwhile
    d.review()
    # when the clerk presses "accept" from the page they saw
    response = login(clerk).post(f"/desk/cases/{d.case_id}/accept/", {"version": seen})
    # then they are told, and the case did not move
    assert response.status_code == 200
    assert "该案件已被他人更新，请刷新后重试。" in response.content.decode()
    assert d.case.status == "formal_review"
    # and the page they now see carries the current version, so a retry works
    assert f'name="version" value="{d.v}"' in response.content.decode()
    assert (
        login(clerk).post(f"/desk/cases/{d.case_id}/accept/", {"version": d.v}).status_code == 302
    )
    assert d.case.status == "accepted"


def test_a_person_with_two_roles_sees_the_buttons_of_both(case_at, login):
    d = case_at("accepted")
    both = f.staff(Role.INTAKE_CLERK, Role.INVESTIGATOR, username="both")
    on_page = operations_on(login(both).get(f"/desk/cases/{d.case_id}/").content.decode())
    assert {"start_investigation", "withdraw", "create_coordination_task"} <= on_page
