"""The letters API: the case's investigator issues a 非恶意逾期情况说明; everyone else is refused
with a stable code, and nothing is issued."""

from __future__ import annotations

import json

import pytest

from xiufu.cases import actions as case_actions
from xiufu.letters.models import Letter
from xiufu.letters.render import pdf_text

pytestmark = pytest.mark.django_db

KIND = "non_malicious_explanation"


def _path(case_id: int) -> str:
    return f"/api/v1/cases/{case_id}/letters/non-malicious-explanation"


def _post(client, case_id: int, body: dict, status: int) -> dict:
    response = client.post(_path(case_id), json.dumps(body), content_type="application/json")
    assert response.status_code == status, response.content.decode()
    return response.json()


def _body(business_id: str, **changes) -> dict:
    body = {
        "overdues": [
            {
                "subject": f"流动资金贷款（业务标识码 {business_id}）",
                "due_on": "2026-06-30",
                "paid_on": "2026-07-02",
                "amount": "52000.00",
                "shown_as": "逾期1-30天",
            }
        ],
        "cause": {
            "kind": "我行系统故障",
            "description": "2026年6月30日我行核心系统故障，自动扣款未能执行，并非借款人原因。",
            "reference_title": "核心系统故障事件记录",
            "reference_number": "INC-2026-0630",
        },
        "handling": "已报送更正。",
    }
    body.update(changes)
    return body


@pytest.fixture
def investigating(drive):
    d = drive()
    d.to_accepted()
    d.investigate()
    return d


def _business_id(d) -> str:
    return d.case.items.get().business_id


def test_the_investigator_issues_the_explanation(investigating, login):
    # given a case under investigation
    d = investigating
    client = login(d.cast.investigator)
    # when its investigator posts the overdues and their cause
    body = _post(client, d.case_id, _body(_business_id(d)), 201)
    # then the letter, numbered, with its code and where to download it
    letter = Letter.objects.get(case_id=d.case_id, kind=KIND)
    assert body["id"] == letter.pk
    assert body["case_id"] == d.case_id
    assert (body["kind"], body["kind_label"]) == (KIND, "非恶意逾期情况说明")
    assert body["number"] == letter.number
    assert "非〔" in body["number"]
    assert body["verification_code"].replace("-", "") == letter.verification_code
    assert body["verify_url"].endswith(f"?code={body['verification_code']}")
    assert body["pdf_sha256"] == letter.pdf_sha256
    assert (body["pdf_url"], body["docx_url"]) == (
        f"/letters/{letter.pk}.pdf",
        f"/letters/{letter.pk}.docx",
    )
    # and the PDF says what was posted, dates and amount as printed
    pdf = client.get(body["pdf_url"])
    assert pdf.status_code == 200
    text = pdf_text(b"".join(pdf.streaming_content))
    for printed in (
        "核心系统故障",
        _business_id(d),
        "2026年6月30日",
        "52,000.00元",
        "INC-2026-0630",
    ):
        assert printed in text


def test_missing_fields_are_listed_and_nothing_is_issued(investigating, login):
    d = investigating
    client = login(d.cast.investigator)
    # no overdue at all
    body = _post(client, d.case_id, _body(_business_id(d), overdues=[]), 422)
    assert body["code"] == "letter_fields_missing"
    assert body["details"]["missing"] == ["overdues"]
    # a cause without its description, an overdue without its dates
    cause = {"kind": "我行系统故障", "reference_title": "核心系统故障事件记录"}
    overdue = {"subject": "流动资金贷款", "amount": "1.00", "shown_as": "逾期1-30天"}
    body = _post(client, d.case_id, _body("x", cause=cause, overdues=[overdue]), 422)
    assert body["code"] == "letter_fields_missing"
    assert {"cause.description", "overdues[].due_on", "overdues[].paid_on"} <= set(
        body["details"]["missing"]
    ), body["details"]["missing"]
    assert "情况" in body["message"]
    assert not Letter.objects.filter(case_id=d.case_id, kind=KIND).exists()


def test_the_body_is_strict(investigating, login):
    d = investigating
    client = login(d.cast.investigator)
    body = _post(client, d.case_id, _body(_business_id(d), urgent=True), 422)
    assert body["code"] == "unknown_field"
    late = _body(_business_id(d))
    late["overdues"][0]["paid_on"] = "2026-06-01"
    body = _post(client, d.case_id, late, 422)
    assert body["code"] == "invalid_input"
    assert "实际还款日不能早于应还款日" in body["message"]
    assert not Letter.objects.filter(case_id=d.case_id, kind=KIND).exists()


def test_only_the_cases_investigator_may_issue_it(investigating, login, clerk, approver):
    d = investigating
    business_id = _business_id(d)
    # the clerk may not see the ledger at all
    assert _post(login(clerk), d.case_id, _body(business_id), 403)["code"] == "role_required"
    # the approver may, but is not the case's investigator
    body = _post(login(approver), d.case_id, _body(business_id), 422)
    assert body["code"] == "letter_not_applicable"
    assert not Letter.objects.filter(case_id=d.case_id, kind=KIND).exists()


def test_not_once_the_case_is_answered(investigating, login):
    # given a case whose written reply has been issued (no error found)
    d = investigating
    d.find_all("no_error")
    case_actions.do_draft_non_repair_notice(
        d.case_id, expected_version=d.v, actor=d.cast.investigator
    )
    d.reply()
    assert d.case.status == "reply_issued"
    # then the explanation is no longer issued
    body = _post(login(d.cast.investigator), d.case_id, _body(_business_id(d)), 422)
    assert body["code"] == "letter_not_applicable"
    assert body["details"]["status"] == "reply_issued"
    assert not Letter.objects.filter(kind=KIND).exists()


def test_cases_the_caller_may_not_see_are_not_found(investigating, login, other_applicant):
    d = investigating
    business_id = _business_id(d)
    # an enterprise user of another enterprise, and a case that does not exist
    body = _post(login(other_applicant), d.case_id, _body(business_id), 404)
    assert body["code"] == "not_found"
    body = _post(login(d.cast.investigator), d.case_id + 1000, _body(business_id), 404)
    assert body["code"] == "not_found"
    assert not Letter.objects.filter(kind=KIND).exists()


def test_the_enterprise_itself_may_not_issue_it(investigating, login, applicant):
    body = _post(login(applicant), investigating.case_id, _body(_business_id(investigating)), 403)
    assert body["code"] == "role_required"
    assert not Letter.objects.filter(kind=KIND).exists()
