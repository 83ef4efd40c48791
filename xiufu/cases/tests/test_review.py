"""Formal review and the one-time supplement notice (一次性告知)."""

from __future__ import annotations

import pytest

from xiufu.cases import actions
from xiufu.core.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def _to_notice(d, verdicts):
    d.review(verdicts)
    return actions.do_request_supplement(d.case_id, expected_version=d.v, actor=d.cast.clerk)


def test_checklist_depends_on_categories_and_applicant_type(cast, overdue_loan, agent):
    from xiufu.cases.tests.driver import Cast, Driver

    legal = Driver.open(cast, [("loans", overdue_loan, "overdue_wrong")])
    by_agent = Driver.open(
        Cast(agent, cast.clerk, cast.investigator, cast.approver, cast.reporter),
        [("loans", overdue_loan, "overdue_wrong")],
    )
    assert set(by_agent.checklist_codes()) - set(legal.checklist_codes()) == {
        "power_of_attorney",
        "agent_id",
    }
    assert "repayment_voucher" in legal.checklist_codes(mandatory_only=False)


def test_every_mandatory_material_needs_a_verdict(drive):
    d = drive()
    d.upload_all()
    d.to_review()
    actions.do_review_materials(
        d.case_id,
        marks=[{"requirement": "application_form", "verdict": "ok"}],
        expected_version=d.v,
        actor=d.cast.clerk,
    )
    with pytest.raises(InvalidInput) as caught:
        d.accept()
    assert caught.value.code == "review_incomplete"
    assert "legal_rep_id" in caught.value.details["unreviewed"]


def test_defects_need_a_reason_and_block_acceptance(drive):
    d = drive()
    d.upload_all()
    d.to_review()
    with pytest.raises(InvalidInput) as caught:
        actions.do_review_materials(
            d.case_id,
            marks=[{"requirement": "legal_rep_id", "verdict": "defective", "reason": ""}],
            expected_version=d.v,
            actor=d.cast.clerk,
        )
    assert caught.value.code == "reason_required"
    d.review({"legal_rep_id": "defective"})
    with pytest.raises(Conflict) as blocked:
        d.accept()
    assert blocked.value.code == "review_has_defects"


def test_one_notice_lists_every_defect(drive):
    d = drive()
    d.upload_all(skip=("application_form",))
    d.to_review()
    case = _to_notice(d, {"application_form": "missing", "legal_rep_id": "defective"})
    notice = case.supplement_notices.get()
    assert {x["requirement"] for x in notice.defects} == {"application_form", "legal_rep_id"}
    assert all(x["what_to_provide"] and x["rule_id"] for x in notice.defects)
    assert case.supplement_rounds == 1


def test_second_review_cannot_raise_a_defect_on_an_unchanged_accepted_material(drive):
    # given a first notice about the application form only
    d = drive()
    d.upload_all(skip=("application_form",))
    d.to_review()
    _to_notice(d, {"application_form": "missing"})
    d.upload("application_form")
    actions.do_submit_supplement(d.case_id, expected_version=d.v, actor=d.cast.applicant)
    # when the clerk now finds fault with the ID card that was fine and has not changed
    with pytest.raises(Conflict) as caught:
        d.review({"legal_rep_id": "defective"})
    # then it is refused, and nothing of that review is kept
    assert caught.value.code == "supplement_not_one_time"
    assert caught.value.details["requirements"] == ["legal_rep_id"]
    assert not d.case.review_marks.filter(round=2).exists()


def test_second_review_may_raise_a_defect_on_what_was_newly_supplied(drive):
    d = drive()
    d.upload_all(skip=("application_form",))
    d.to_review()
    _to_notice(d, {"application_form": "missing"})
    d.upload("application_form")
    actions.do_submit_supplement(d.case_id, expected_version=d.v, actor=d.cast.applicant)
    case = _to_notice(d, {"application_form": "defective"})
    assert case.supplement_rounds == 2
    assert case.supplement_notices.count() == 2


def test_a_changed_material_may_be_reviewed_again(drive):
    d = drive()
    d.upload_all(skip=("application_form",))
    d.to_review()
    _to_notice(d, {"application_form": "missing"})
    d.upload("application_form")
    old_id = d.case.materials.get(requirement="legal_rep_id")
    d.upload("legal_rep_id", replaces=old_id.pk)
    actions.do_submit_supplement(d.case_id, expected_version=d.v, actor=d.cast.applicant)
    d.review({"legal_rep_id": "defective"})  # new file: allowed


def test_supplement_needs_new_material(drive):
    d = drive()
    d.upload_all(skip=("application_form",))
    d.to_review()
    _to_notice(d, {"application_form": "missing"})
    with pytest.raises(InvalidInput) as caught:
        actions.do_submit_supplement(d.case_id, expected_version=d.v, actor=d.cast.applicant)
    assert caught.value.code == "nothing_supplemented"


def test_optional_evidence_is_never_demanded(drive):
    d = drive()
    d.upload_all()
    d.to_review()
    with pytest.raises(InvalidInput) as caught:
        actions.do_review_materials(
            d.case_id,
            marks=[{"requirement": "repayment_voucher", "verdict": "missing", "reason": "请补"}],
            expected_version=d.v,
            actor=d.cast.clerk,
        )
    assert caught.value.code == "optional_material_not_required"


def test_proactive_case_has_no_checklist(cast, overdue_loan):
    case = actions.do_create_case(
        enterprise_id=overdue_loan.enterprise_id,
        claim="数据质量检查发现逾期天数报送错误，主动更正。",
        items=[{"record_kind": "loans", "record_id": overdue_loan.pk, "category": "overdue_wrong"}],
        channel="proactive",
        actor=cast.investigator,
    )
    assert case.applicant_type == ""
    case = actions.do_submit_case(case.pk, expected_version=case.version, actor=cast.clerk)
    case = actions.do_start_review(case.pk, expected_version=case.version, actor=cast.clerk)
    case = actions.do_accept_case(case.pk, expected_version=case.version, actor=cast.clerk)
    assert case.status == "accepted"
