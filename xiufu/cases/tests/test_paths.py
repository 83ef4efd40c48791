"""Every branch of the flowchart, driven through the real actions."""

from __future__ import annotations

import pytest

from xiufu.cases.models import CaseEvent
from xiufu.records.models import LedgerLoan, LoanRecord

pytestmark = pytest.mark.django_db

OVERDUE_FIX = [
    {"field": "status", "new": "normal"},
    {"field": "overdue_days", "new": 0},
    {"field": "overdue_amount", "new": "0.00"},
    {"field": "overdue_principal", "new": "0.00"},
    {"field": "five_tier_class", "new": "normal"},
]


def test_corrected_path_with_one_supplement(drive, overdue_loan):
    # given an application missing its application form
    d = drive()
    d.upload_all(skip=("application_form",))
    d.to_review()
    # when the clerk reviews: ONE notice lists the defect, the enterprise supplements
    d.review({"application_form": "missing"})
    from xiufu.cases import actions

    case = actions.do_request_supplement(d.case_id, expected_version=d.v, actor=d.cast.clerk)
    assert case.status == "awaiting_supplement"
    notice = case.supplement_notices.get()
    assert [x["requirement"] for x in notice.defects] == ["application_form"]
    d.upload("application_form")
    actions.do_submit_supplement(d.case_id, expected_version=d.v, actor=d.cast.applicant)
    d.review()
    case = d.accept()
    # then the item is marked and the clock runs
    assert case.status == "accepted"
    assert case.supplement_rounds == 1
    assert case.items.get().dispute_marked
    assert case.due_on is not None
    # investigation → proposal → approval by a second person → bureau → reply
    d.investigate()
    item = case.items.get()
    d.find(item.pk, "error_confirmed")
    from xiufu.cases import actions as a

    a.do_complete_investigation(d.case_id, expected_version=d.v, actor=d.cast.investigator)
    d.propose([{"item_id": item.pk, "action": "correct", "changes": OVERDUE_FIX}])
    d.approve()
    submission = d.submit_correction()
    assert submission.messages[0]["record_type"] == "412"
    assert d.case.status == "awaiting_confirmation"
    case = d.confirm()
    assert case.status == "bureau_confirmed"
    overdue_loan.refresh_from_db()
    assert overdue_loan.overdue_days == 0
    assert overdue_loan.status == "normal"
    case = d.reply()
    assert case.status == "reply_issued"
    assert case.outcome == "corrected"
    item.refresh_from_db()
    assert (item.outcome, item.dispute_marked) == ("corrected", False)
    assert d.close().status == "closed"
    rating = a.do_rate_case(d.case_id, score=5, comment="办理及时", actor=d.cast.applicant)
    assert rating.score == 5
    # every event is attributed and carries the pack version
    events = list(CaseEvent.objects.filter(case_id=d.case_id).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(e.pack_version == "2026.2" for e in events)


def test_finding_records_reported_value_beside_ledger_truth(drive, overdue_loan):
    d = drive()
    d.to_accepted()
    d.investigate()
    item = d.case.items.get()
    d.find(item.pk, "error_confirmed", evidence=["还款流水 2026-03-20"])
    item.refresh_from_db()
    assert item.reported_value["overdue_days"] == 35
    assert item.ledger_value["overdue_days"] == 0
    assert item.evidence_relied == ["还款流水 2026-03-20"]
    assert "CD-FND-ERROR" in item.finding_rule_ids
    event = CaseEvent.objects.filter(case_id=d.case_id, event="record_finding").get()
    fields = {diff["field"] for diff in event.payload["differences"]}
    assert {"overdue_days", "overdue_amount", "status"} <= fields


def test_non_repair_path_gives_reasons_and_other_avenues(drive):
    d = drive()
    d.to_accepted()
    d.investigate()
    d.find_all("not_repairable")
    from xiufu.cases import actions

    case = actions.do_draft_non_repair_notice(
        d.case_id, expected_version=d.v, actor=d.cast.investigator
    )
    assert case.status == "non_repair_notice"
    explanation = case.non_repair.get()
    assert explanation.items[0]["finding"] == "not_repairable"
    assert any("第二十五条" in r["explanation"] for r in explanation.items[0]["rules"])
    avenue_codes = {a["code"] for a in explanation.avenues}
    assert len(avenue_codes) >= 3
    assert any("30" in a["deadline_text"] for a in explanation.avenues)
    case = d.reply()
    assert case.outcome == "not_corrected"
    assert not case.items.get().dispute_marked


def test_partly_corrected_case(drive, overdue_loan, second_loan):
    d = drive([("loans", overdue_loan, "overdue_wrong"), ("loans", second_loan, "overdue_wrong")])
    d.to_accepted()
    d.investigate()
    first, second = d.case.items.order_by("pk")
    d.find(first.pk, "error_confirmed")
    d.find(second.pk, "no_error")
    from xiufu.cases import actions

    actions.do_complete_investigation(d.case_id, expected_version=d.v, actor=d.cast.investigator)
    d.propose([{"item_id": first.pk, "action": "correct", "changes": OVERDUE_FIX}])
    d.approve()
    d.submit_correction()
    d.confirm()
    case = d.reply()
    assert case.outcome == "partly_corrected"
    outcomes = dict(case.items.values_list("pk", "outcome"))
    assert outcomes == {first.pk: "corrected", second.pk: "no_error"}
    # the items not corrected get their reasons and the other avenues too
    assert case.non_repair.get().items[0]["item"] == second.pk


def test_undetermined_is_recorded_and_keeps_the_mark(drive):
    d = drive()
    d.to_accepted()
    d.investigate()
    d.find_all("undetermined")
    from xiufu.cases import actions

    actions.do_draft_non_repair_notice(d.case_id, expected_version=d.v, actor=d.cast.investigator)
    case = d.reply()
    item = case.items.get()
    assert (item.outcome, item.dispute_marked) == ("undetermined", True)
    assert item.verification_result
    assert case.outcome == "undetermined"


def test_deletion_of_a_loan_that_is_not_theirs(drive, overdue_loan):
    d = drive([("loans", overdue_loan, "loan_not_ours")])
    d.to_accepted()
    d.investigate()
    d.find_all("error_confirmed")
    item = d.case.items.get()
    d.propose([{"item_id": item.pk, "action": "delete"}])
    d.approve()
    assert d.submit_correction().messages[0]["record_type"] == "414"
    d.confirm()
    assert not LoanRecord.objects.filter(pk=overdue_loan.pk).exists()
    assert LedgerLoan.objects.filter(business_id=overdue_loan.business_id).exists()


def test_bureau_rejection_returns_to_the_reporter_then_investigator(drive):
    d = drive()
    d.to_accepted()
    d.investigate()
    d.find_all("error_confirmed")
    item = d.case.items.get()
    d.propose([{"item_id": item.pk, "action": "correct", "changes": OVERDUE_FIX[:2]}])
    d.approve()
    d.submit_correction()
    case = d.confirm(accepted=False, reason="E412-07 逾期天数与还款记录不一致")
    assert case.status == "bureau_rejected"
    assert case.submissions.first().bureau_reason.startswith("E412-07")
    from xiufu.cases import actions

    case = actions.do_rework_correction(
        d.case_id, reason="补充更正还款记录", expected_version=d.v, actor=d.cast.reporter
    )
    assert case.status == "under_investigation"


def test_rejection_at_intake_needs_a_listed_ground(drive):
    d = drive()
    d.to_review()
    from xiufu.cases import actions
    from xiufu.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        actions.do_reject_case(
            d.case_id, ground="we_are_busy", reason="x", expected_version=d.v, actor=d.cast.clerk
        )
    assert caught.value.code == "unknown_intake_ground"
    ground = caught.value.details["choices"][0]
    case = actions.do_reject_case(
        d.case_id,
        ground=ground,
        reason="不属于本机构报送的信息",
        expected_version=d.v,
        actor=d.cast.clerk,
    )
    assert (case.status, case.outcome) == ("rejected_at_intake", "rejected")


def test_withdrawal_removes_marks(drive):
    d = drive()
    d.to_accepted()
    from xiufu.cases import actions

    case = actions.do_withdraw_case(
        d.case_id, reason="已与银行协商解决", expected_version=d.v, actor=d.cast.applicant
    )
    assert (case.status, case.outcome) == ("withdrawn", "withdrawn")
    assert not case.items.get().dispute_marked


def test_reopen_on_new_evidence_marks_again_and_restarts_the_clock(drive):
    d = drive()
    d.to_accepted()
    d.investigate()
    d.find_all("no_error")
    from xiufu.cases import actions

    actions.do_draft_non_repair_notice(d.case_id, expected_version=d.v, actor=d.cast.investigator)
    d.reply()
    d.close()
    case = actions.do_reopen_case(
        d.case_id, reason="企业提交了新的还款凭证", expected_version=d.v, actor=d.cast.clerk
    )
    item = case.items.get()
    assert case.status == "reopened"
    assert item.dispute_marked
    assert item.finding == ""
    assert case.due_on is not None
