"""Correction on the page: the proposal formset, the approval diff with maker-checker, and the
submission to the bureau until its feedback."""

from __future__ import annotations

import re
from typing import Any

import pytest

from xiufu import factories as f
from xiufu.accounts.choices import Role
from xiufu.cases.models import BureauSubmission, CorrectionProposal
from xiufu.cases.tests.driver import Cast, Driver
from xiufu.desk.tests.conftest import advance
from xiufu.desk.tests.html import operations_on
from xiufu.desk.tests.test_reply_preview import digest_on

pytestmark = pytest.mark.django_db


def _form_values(html: str) -> dict[str, Any]:
    """The values the browser would post from the proposal form as drawn."""
    form = html[html.index('propose_correction/"') :]
    form = form[: form.index("</form>")]
    hidden: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        hidden.setdefault(name, []).append(value)
    data: dict[str, Any] = {k: v[0] if len(v) == 1 else v for k, v in hidden.items()}
    for name, value in re.findall(r'<input type="text" name="([^"]+)" value="([^"]*)"', form):
        data[name] = value.replace("&quot;", '"')
    for name, block in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', block)
        data[name] = chosen.group(1) if chosen else ""
    checked = r'name="([^"]+)" value="([^"]+)" required id="[^"]+" checked'
    data.update(re.findall(checked, form))
    return data


def test_the_proposal_form_is_prefilled_with_the_ledger_values(case_at, login, investigator):
    # given the findings: the loan's overdue is an error
    d = case_at("findings_recorded")
    item = d.case.items.get()
    client = login(investigator)
    html = client.get(f"/desk/cases/{d.case_id}/").content.decode()
    data = _form_values(html)
    # then every differing field is proposed with the ledger's value
    rows = {
        data[f"item{item.pk}-changes-{i}-field"]: data[f"item{item.pk}-changes-{i}-new"]
        for i in range(int(data[f"item{item.pk}-changes-TOTAL_FORMS"]))
        if data[f"item{item.pk}-changes-{i}-field"]
    }
    assert rows == {
        "status": "normal",
        "five_tier_class": "normal",
        "overdue_amount": "0.00",
        "overdue_principal": "0.00",
        "overdue_days": "0",
    }
    assert data[f"item{item.pk}-action"] == "correct"
    # when the investigator submits it as drawn
    response = client.post(f"/desk/cases/{d.case_id}/propose_correction/", data)
    # then the case awaits approval with those changes, old → new
    assert response.status_code == 302
    assert d.case.status == "correction_proposed"
    proposal = CorrectionProposal.objects.get(item=item)
    assert {c["field"]: (c["old"], c["new"]) for c in proposal.changes}["overdue_days"] == (35, 0)


def test_a_deletion_needs_no_fields(case_at, login, investigator):
    d = case_at("findings_recorded")
    item = d.case.items.get()
    response = login(investigator).post(
        f"/desk/cases/{d.case_id}/propose_correction/",
        {
            "version": d.v,
            "item": [str(item.pk)],
            f"item{item.pk}-kind": "loans",
            f"item{item.pk}-action": "delete",
            f"item{item.pk}-changes-TOTAL_FORMS": "0",
            f"item{item.pk}-changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert CorrectionProposal.objects.get(item=item).action == "delete"


def test_an_invalid_new_value_is_refused_with_its_message(case_at, login, investigator):
    d = case_at("findings_recorded")
    item = d.case.items.get()
    response = login(investigator).post(
        f"/desk/cases/{d.case_id}/propose_correction/",
        {
            "version": d.v,
            "item": [str(item.pk)],
            f"item{item.pk}-kind": "loans",
            f"item{item.pk}-action": "correct",
            f"item{item.pk}-changes-TOTAL_FORMS": "1",
            f"item{item.pk}-changes-INITIAL_FORMS": "1",
            f"item{item.pk}-changes-0-field": "overdue_days",
            f"item{item.pk}-changes-0-new": "三十五",
        },
    )
    html = response.content.decode()
    assert "字段“overdue_days”的新值无效" in html
    assert d.case.status == "findings_recorded"


def test_the_approver_sees_the_field_level_diff(case_at, login, approver):
    d = case_at("correction_proposed")
    html = login(approver).get(f"/desk/cases/{d.case_id}/").content.decode()
    assert (
        '<tr><th scope="row">账户状态</th><td><span class="diff-old">逾期</span></td>'
        '<td><span class="diff-new">正常</span></td></tr>'
    ) in html
    assert {"approve_correction", "return_correction"} <= operations_on(html)
    response = login(approver).post(
        f"/desk/cases/{d.case_id}/approve_correction/", {"version": d.v}
    )
    assert response.status_code == 302
    assert d.case.status == "correction_approved"


def test_the_approver_returns_with_a_reason(case_at, login, approver, investigator):
    d = case_at("correction_proposed")
    client = login(approver)
    response = client.post(f"/desk/cases/{d.case_id}/return_correction/", {"version": d.v})
    assert "请更正表单中标出的问题。" in response.content.decode()
    response = client.post(
        f"/desk/cases/{d.case_id}/return_correction/",
        {"version": d.v, "reason": "五级分类的更正缺少台账截图。"},
    )
    assert response.status_code == 302
    assert d.case.status == "under_investigation"
    html = login(investigator).get(f"/desk/cases/{d.case_id}/").content.decode()
    assert "五级分类的更正缺少台账截图。" in html
    assert "已退回" in html


def test_an_investigator_who_is_also_an_approver_cannot_approve_their_own_proposal(
    cast, overdue_loan, login
):
    # given a person who is both investigator and approver, and who proposed this correction
    dual = f.staff(Role.INVESTIGATOR, Role.APPROVER, username="dual")
    d = Driver.open(
        Cast(cast.applicant, cast.clerk, dual, cast.approver, cast.reporter),
        [("loans", overdue_loan, "overdue_wrong")],
    )
    advance(d, "correction_proposed")
    version = d.v
    client = login(dual)
    # the button is offered (the role allows it) ...
    assert "approve_correction" in operations_on(
        client.get(f"/desk/cases/{d.case_id}/").content.decode()
    )
    # when they press it
    response = client.post(f"/desk/cases/{d.case_id}/approve_correction/", {"version": version})
    # then the maker-checker refusal is shown in the page and nothing changed
    assert response.status_code == 200
    assert "审批人不能是本案的核查员或更正方案的提出人（双人复核）。" in response.content.decode()
    case = d.case
    assert (case.status, case.version) == ("correction_proposed", version)
    assert CorrectionProposal.objects.get(item__case=case).decision == "pending"


def test_the_reporter_submits_and_records_the_bureaus_feedback(case_at, login, reporter):
    # given an approved correction, sent by hand
    d = case_at("correction_approved")
    client = login(reporter)
    html = client.get(f"/desk/cases/{d.case_id}/").content.decode()
    assert '<option value="manual">' in html
    response = client.post(
        f"/desk/cases/{d.case_id}/submit_correction/", {"version": d.v, "adapter": "manual"}
    )
    assert response.status_code == 302
    assert d.case.status == "correction_submitted"
    assert BureauSubmission.objects.get(case_id=d.case_id).adapter == "manual"
    # the bureau's receipt
    client.post(f"/desk/cases/{d.case_id}/acknowledge_submission/", {"version": d.v})
    assert d.case.status == "awaiting_confirmation"
    # a rejection needs its reason
    response = client.post(
        f"/desk/cases/{d.case_id}/bureau_feedback/", {"version": d.v, "result": "rejected"}
    )
    assert "请填写理由。" in response.content.decode()
    client.post(
        f"/desk/cases/{d.case_id}/bureau_feedback/",
        {"version": d.v, "result": "rejected", "reason": "E101 业务标识码不存在"},
    )
    assert d.case.status == "bureau_rejected"
    html = client.get(f"/desk/cases/{d.case_id}/").content.decode()
    assert "E101 业务标识码不存在" in html
    # rework sends it back to the investigator
    client.post(
        f"/desk/cases/{d.case_id}/rework_correction/",
        {"version": d.v, "reason": "业务标识码有误，请核查。"},
    )
    assert d.case.status == "under_investigation"


def test_the_bureau_confirms_and_the_case_is_answered_and_closed(case_at, login, reporter, clerk):
    d = case_at("awaiting_confirmation")
    html = login(reporter).get(f"/desk/cases/{d.case_id}/").content.decode()
    assert '<input type="radio" name="result" value="accepted"' in html
    assert 'value="rejected"' in html
    login(reporter).post(
        f"/desk/cases/{d.case_id}/bureau_feedback/", {"version": d.v, "result": "accepted"}
    )
    assert d.case.status == "bureau_confirmed"
    preview = login(clerk).get(f"/desk/cases/{d.case_id}/reply/").content.decode()
    digest = digest_on(preview)
    login(clerk).post(
        f"/desk/cases/{d.case_id}/issue_reply/", {"version": d.v, "preview_digest": digest}
    )
    login(clerk).post(f"/desk/cases/{d.case_id}/close/", {"version": d.v})
    case = d.case
    assert (case.status, case.outcome) == ("closed", "corrected")
    on_page = operations_on(login(clerk).get(f"/desk/cases/{d.case_id}/").content.decode())
    assert on_page == {"reopen"}
