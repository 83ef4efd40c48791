"""The 非恶意逾期情况说明 from the case page: the case's investigator picks the disputed loans,
gives the cause, and the letter is issued; nobody else is offered the form or may post it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from xiufu import factories as f
from xiufu.accounts.choices import Role
from xiufu.desk.tests.html import main_of, operations_on
from xiufu.letters.models import Letter
from xiufu.letters.render import pdf_text

pytestmark = pytest.mark.django_db

OP = "issue_non_malicious_explanation"
KIND = "non_malicious_explanation"


def _days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def _printed(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _form(d, **changes):
    """What the investigator posts: the disputed loan ticked with its dates, a system outage."""
    item = d.case.items.get()
    data = {
        "version": d.v,
        "overdue-TOTAL_FORMS": "2",
        "overdue-INITIAL_FORMS": "2",
        "overdue-MIN_NUM_FORMS": "0",
        "overdue-MAX_NUM_FORMS": "5",
        "overdue-0-chosen": "on",
        "overdue-0-subject": f"流动资金贷款（业务标识码 {item.business_id}）",
        "overdue-0-due_on": _days_ago(40).isoformat(),
        "overdue-0-paid_on": _days_ago(38).isoformat(),
        "overdue-0-amount": "52000.00",
        "overdue-0-shown_as": "逾期1-30天",
        "overdue-1-subject": "",
        "cause_kind": "system_outage",
        "cause_other": "",
        "description": "当日我行核心系统故障，自动扣款未能执行，借款人账户余额充足。",
        "reference_title": "核心系统故障事件记录",
        "reference_number": "INC-2026-0630",
        "reference_excerpt": "",
        "handling": "已报送更正。",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _post(client, d, data):
    return client.post(f"/desk/cases/{d.case_id}/{OP}/", data)


def _explanations(d):
    return Letter.objects.filter(case_id=d.case_id, kind=KIND)


def test_the_investigator_issues_the_explanation_from_the_case_page(case_at, login, investigator):
    # given a case under investigation of a loan the report shows 35 days overdue
    d = case_at("under_investigation")
    item = d.case.items.get()
    client = login(investigator)
    # when its investigator opens the page
    html = main_of(client.get(f"/desk/cases/{d.case_id}/").content.decode())
    # then the form is offered, the disputed loan prefilled from the reported record
    assert OP in operations_on(html)
    assert "出具非恶意逾期情况说明" in html
    assert f"流动资金贷款（业务标识码 {item.business_id}）" in html
    assert 'value="52000.00"' in html
    assert 'value="逾期35天"' in html
    # when the investigator ticks it, gives its dates and the cause, and issues
    response = _post(client, d, _form(d))
    # then the letter is issued and shown among the case's letters
    assert response.status_code == 302
    assert response.url.endswith("#letters")
    letter = _explanations(d).get()
    assert letter.issued_by == investigator
    text = pdf_text(letter.pdf.open("rb").read())
    assert "核心系统故障" in text
    assert item.business_id in text
    assert _printed(_days_ago(40)) in text
    assert "52,000.00元" in text
    assert "INC-2026-0630" in text
    page = client.get(f"/desk/cases/{d.case_id}/").content.decode()
    assert "非恶意逾期情况说明已出具。" in page
    assert letter.number in main_of(page)


def test_other_causes_are_written_by_the_investigator(case_at, login, investigator):
    d = case_at("findings_recorded")
    data = _form(d, cause_kind="other", cause_other="我行短信提醒系统故障")
    assert _post(login(investigator), d, data).status_code == 302
    letter = _explanations(d).get()
    assert letter.context["cause"]["kind"] == "我行短信提醒系统故障"


def test_staff_other_than_the_cases_investigator_are_not_offered_the_form_nor_may_post_it(
    case_at, login, clerk, approver
):
    d = case_at("under_investigation")
    colleague = f.staff(Role.INVESTIGATOR, username="colleague")
    refusals = {
        clerk: "此操作需要以下角色之一",
        approver: "只有本案的核查员可以出具非恶意逾期情况说明。",
        colleague: "只有本案的核查员可以出具非恶意逾期情况说明。",
    }
    for user, why in refusals.items():
        client = login(user)
        # when someone else opens the page: no form
        html = client.get(f"/desk/cases/{d.case_id}/").content.decode()
        assert OP not in operations_on(html), user.username
        assert "出具非恶意逾期情况说明" not in html
        # and when they post it anyway: refused, with the reason, nothing issued
        response = _post(client, d, _form(d))
        assert response.status_code == 200
        assert why in response.content.decode(), user.username
    assert not _explanations(d).exists()


def test_the_form_is_offered_only_while_the_case_is_verified_or_answered(
    case_at, login, investigator
):
    d = case_at("accepted")
    html = login(investigator).get(f"/desk/cases/{d.case_id}/").content.decode()
    assert OP not in operations_on(html)
    response = _post(login(investigator), d, _form(d))
    assert response.status_code == 200
    assert not _explanations(d).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"overdue-0-chosen": None, "overdue-0-due_on": "", "overdue-0-paid_on": ""},
            "请至少选择一笔逾期记录",
        ),
        ({"overdue-0-chosen": None}, "已填写还款日期：请勾选“列入本说明”，或清空日期。"),
        ({"description": ""}, "请填写逾期原因的情况说明。"),
        ({"cause_kind": ""}, "请选择逾期原因类别。"),
        ({"cause_kind": "other"}, "原因类别选“其他”时，请写明具体原因。"),
        ({"reference_title": ""}, "请填写所依据的政策文件或事件记录的名称。"),
        ({"overdue-0-due_on": ""}, "请填写应还款日。"),
        ({"overdue-0-amount": ""}, "请填写应还金额。"),
        ({"overdue-0-paid_on": _days_ago(41).isoformat()}, "实际还款日不能早于应还款日。"),
        ({"overdue-0-paid_on": _days_ago(-1).isoformat()}, "实际还款日不能晚于今天。"),
        ({"overdue-1-due_on": _days_ago(10).isoformat()}, "请勾选“列入本说明”，或清空日期。"),
    ],
)
def test_bad_input_is_told_precisely_and_nothing_is_issued(
    changes, message, case_at, login, investigator
):
    d = case_at("under_investigation")
    data = _form(d, **changes)
    # when the investigator posts the form with something wrong
    response = _post(login(investigator), d, data)
    # then the page again, the form open with what was typed and the precise message
    assert response.status_code == 200
    html = main_of(response.content.decode())
    assert message in html
    assert "请更正表单中标出的问题。" in response.content.decode()
    assert "<details open>" in html
    assert 'value="INC-2026-0630"' in html
    # and nothing was written
    assert not _explanations(d).exists()
